"""Requests from sandbox organizations run on their simulation clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.http import HttpRequest, HttpResponse

from tradeshield.clocks.models import TestClock
from tradeshield.kit import clock
from tradeshield.organizations.auth import actor_for_request
from tradeshield.organizations.models import Organization


class TestClockMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor = actor_for_request(request)
        organization = actor.organization if actor else None
        if organization is None or organization.test_clock_id is None:
            return self.get_response(request)
        now_at = simulated_now(organization)
        if now_at is None:
            return self.get_response(request)
        with clock.simulated_at(now_at):
            return self.get_response(request)


def simulated_now(organization: Organization) -> datetime | None:
    """The time on the organization's test clock: usually joined when the actor was resolved."""
    if Organization.test_clock.is_cached(organization):
        test_clock = organization.test_clock
        return test_clock.now_at if test_clock is not None else None
    return TestClock.objects.filter(pk=organization.test_clock_id).values_list("now_at", flat=True).first()
