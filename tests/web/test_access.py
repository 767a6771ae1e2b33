"""Signing in, and who sees what: own orders only, 404 for other organizations, staff read-only."""

from __future__ import annotations

import pytest
from django.test import Client
from tests.web.support import PASSWORD, make_member, make_order, make_staff, messages_of, paid

from tradeshield.orders.models import Order
from tradeshield.organizations.models import OrgKind

pytestmark = pytest.mark.django_db


def test_login_with_email_and_password_then_dashboard_lists_only_own_orders(client, buyer, supplier, rival):
    own = make_order(supplier, buyer, title="Own LED order")
    other = make_order(supplier, rival, title="Rival towel order")
    page = client.get("/login/")
    assert page.status_code == 200
    assert 'autocomplete="email"' in page.content.decode()

    response = client.post("/login/", {"username": buyer.user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"

    html = client.get("/").content.decode()
    assert own.title in html and own.id in html
    assert other.title not in html and other.id not in html
    assert "Shenzhen Bright" in html  # the counterparty column


def test_wrong_password_is_refused_with_a_message(client, buyer):
    response = client.post("/login/", {"username": buyer.user.email, "password": "not-the-password"})
    assert response.status_code == 200
    assert "correct email and password" in response.content.decode().lower()


def test_pages_need_a_session_and_logout_is_a_post(client, buyer):
    assert client.get("/").status_code == 302
    assert client.get("/orders/new/").headers["Location"] == "/login/?next=/orders/new/"
    assert buyer.client.get("/logout/").status_code == 405
    assert buyer.client.post("/logout/").status_code == 302
    assert buyer.client.get("/").status_code == 302


def test_csrf_is_enforced_on_forms(buyer, supplier):
    order = make_order(supplier, buyer)
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer.user)
    assert client.post(f"/orders/{order.id}/confirm/", {"expected_terms_hash": order.terms_hash}).status_code == 403
    order.refresh_from_db()
    assert order.buyer_confirmed_at is None


def test_another_organizations_order_and_payments_are_not_found(buyer, supplier, rival):
    order = paid(supplier, buyer)
    payment_id = order.events.get(kind="payment.initiated").data["payment_id"]
    for url in (
        f"/orders/{order.id}/",
        f"/orders/{order.id}/pay/",
        f"/payments/{payment_id}/",
        f"/sandbox/wallet/{payment_id}/",
        "/orders/ord_doesnotexist/",
    ):
        assert rival.client.get(url).status_code == 404, url
    response = rival.client.post(f"/orders/{order.id}/cancel/", {"reason": "mine now", "idempotency_key": "k1"})
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == "paid"


def test_staff_see_every_order_read_only(buyer, supplier, rival, staff):
    first = paid(supplier, buyer, title="Paid order")
    second = make_order(supplier, rival, title="Draft order")
    dashboard = staff.client.get("/").content.decode()
    assert first.title in dashboard and second.title in dashboard
    assert 'Acme Imports <span class="ts-arrow" aria-hidden="true">→</span> Shenzhen Bright' in dashboard

    html = staff.client.get(f"/orders/{first.id}/").content.decode()
    assert "read-only" in html
    for action in ("confirm", "pay", "ship", "deliver", "receive", "cancel", "refund", "amendments"):
        assert f'action="/orders/{first.id}/{action}/"' not in html
    assert f'href="/orders/{first.id}/pay/"' not in html
    assert 'name="idempotency_key"' not in html

    response = staff.client.post(
        f"/orders/{second.id}/confirm/", {"expected_terms_hash": second.terms_hash}, follow=True
    )
    assert any("staff can view orders" in m for m in messages_of(response))
    assert Order.objects.get(pk=second.id).buyer_confirmed_at is None


def test_navigation_follows_the_role(buyer, staff, db):
    assert 'href="/settings/api-keys/"' in buyer.client.get("/").content.decode()
    assert 'href="/orders/new/"' in buyer.client.get("/").content.decode()
    staff_nav = staff.client.get("/").content.decode()
    assert 'href="/staff/bank-statements/"' in staff_nav and 'href="/orders/new/"' not in staff_nav
    expert = make_staff("trade_expert")
    assert expert.client.get("/staff/bank-statements/").status_code == 403
    assert buyer.client.get("/staff/bank-statements/").status_code == 403
    finance = make_member(OrgKind.SUPPLIER, "Finance Only", "CN", role="finance")
    assert finance.client.get("/orders/new/").status_code == 403
    assert finance.client.get("/settings/api-keys/").status_code == 403


def test_a_strangers_invalid_form_on_another_organizations_order_is_404(buyer, supplier, rival):
    # Found by the access matrix: the form was checked before the order, so a stranger got a redirect.
    order = paid(supplier, buyer)
    for action in ("ship", "cancel", "refund", "receive", "amendments"):
        response = rival.client.post(f"/orders/{order.id}/{action}/", {"idempotency_key": "k2"})
        assert response.status_code == 404, action
    order.refresh_from_db()
    assert order.status == "paid"
