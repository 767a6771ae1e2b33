"""Requests from sandbox organizations run on their simulation clock."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tradeshield.clocks.models import TestClock
from tradeshield.kit import clock
from tradeshield.organizations.auth import actor_for_request


class TestClockMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor = actor_for_request(request)
        clock_id = actor.organization.test_clock_id if actor and actor.organization else None
        if clock_id is None:
            return self.get_response(request)
        now_at = TestClock.objects.filter(pk=clock_id).values_list("now_at", flat=True).first()
        if now_at is None:
            return self.get_response(request)
        with clock.simulated_at(now_at):
            return self.get_response(request)
