"""SQL statements per authenticated API request. Authentication is one statement whatever the
credential (the token or key, its user, membership, organization and the organization's test clock
in one join), so a change that adds a lookup to every request fails here, not in the benchmark."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from tests.conftest import ApiClient, confirmed_order

from tradeshield.clocks import services as clocks
from tradeshield.kit import clock
from tradeshield.organizations import middleware
from tradeshield.organizations import services as orgs
from tradeshield.organizations.models import ApiKey

pytestmark = pytest.mark.django_db


def statements(call: Callable[[], Any]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content
    return [q["sql"] or "" for q in captured.captured_queries]


def test_a_personal_token_is_one_statement(buyer):
    sql = statements(lambda: buyer.client.get("/me"))
    assert len(sql) == 1 and 'FROM "personal_token"' in sql[0]


def test_staff_without_an_organization_are_one_statement_too(buyer):
    buyer.user.membership.delete()
    buyer.user.staff_role = "support_agent"
    buyer.user.save()
    sql = statements(lambda: buyer.client.get("/me"))
    assert len(sql) == 1


def test_an_api_key_is_one_statement_and_its_last_use_is_written_once_a_minute(buyer):
    key, secret = orgs.api_key_create(organization=buyer.org, name="ERP")
    with_key = ApiClient(secret)
    first = statements(lambda: with_key.get("/me"))
    assert len(first) == 2 and first[1].startswith('UPDATE "organization_api_key" SET "last_used_at"')
    assert len(statements(lambda: with_key.get("/me"))) == 1  # used seconds ago: not written again
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=clock.now() - timedelta(minutes=2))
    assert len(statements(lambda: with_key.get("/me"))) == 2


def test_a_sandbox_request_reads_its_test_clock_in_the_same_statement(buyer):
    test_clock = clocks.test_clock_create(name="budget", start_at=clock.now() + timedelta(days=400))
    buyer.org.test_clock = test_clock
    buyer.org.save()
    seen = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(clock.now())
        return HttpResponse()

    request = RequestFactory().get("/api/v1/me", headers={"Authorization": f"Bearer {buyer.client.token}"})
    with CaptureQueriesContext(connection) as captured:
        middleware.TestClockMiddleware(view)(request)
    assert len(captured.captured_queries) == 1
    assert seen == [test_clock.now_at]  # the request ran on the sandbox's clock


def test_the_session_is_three_statements(buyer):
    browser = Client()
    browser.force_login(buyer.user)
    sql = statements(lambda: browser.get("/api/v1/me"))
    assert len(sql) == 3  # the session, its user, the membership with its organization
    assert 'FROM "organization_membership"' in sql[2] and 'JOIN "organization"' in sql[2]


def test_reading_an_order_is_authentication_plus_its_rendering(buyer, supplier, django_assert_num_queries):
    order = confirmed_order(buyer, supplier)
    key, secret = orgs.api_key_create(organization=supplier.org, name="ERP")
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=clock.now())
    rendering = 5  # the order, its payments, their ledger accounts, its lines, its milestones (orders/render.py)
    with django_assert_num_queries(1 + rendering):
        assert buyer.client.get(f"/orders/{order['id']}").status_code == 200
    with django_assert_num_queries(1 + rendering):
        assert ApiClient(secret).get(f"/orders/{order['id']}").status_code == 200
