"""Each protection rule, driven by advancing a simulation clock through the API."""

from __future__ import annotations

import pytest
from tests.conftest import confirmed_order, pay_card
from tests.helpers import assert_books_balance, balance, supplier_funds
from tests.protections.conftest import START

from tradeshield.orders.models import Order, OrderEvent
from tradeshield.protections.models import ProtectionAction

pytestmark = pytest.mark.django_db
SHIP_BY = (START.date().replace(day=11)).isoformat()  # ten days after the sandbox starts


def paid_order(sandbox, **kwargs):
    order = confirmed_order(sandbox.buyer, sandbox.supplier, ship_by_date=SHIP_BY, **kwargs)
    assert pay_card(sandbox.buyer, order["id"]).status_code == 201
    return order


def test_late_shipment_is_compensated_once_then_the_buyer_may_cancel(sandbox):
    order = paid_order(sandbox)  # 1,250.00 USD: 10 % is 125.00, capped at USD 100
    assert sandbox.advance(days=11)["actions"] == {}  # the ship-by day has not ended a day ago yet
    result = sandbox.advance(days=1)
    assert result["actions"] == {"late_compensation": 1}
    assert balance(f"buyer_credit:{sandbox.buyer.org.id}:USD") == 10_000
    assert balance("guarantee_fund:USD") == -10_000
    event = OrderEvent.objects.get(order_id=order["id"], kind="protection.compensated")
    assert event.data["amount"] == 10_000 and event.data["capped"] is True
    assert event.created_at.date().isoformat() == "2027-03-13"  # fired at its due time
    assert sandbox.advance(days=2)["actions"] == {}  # never twice
    cancelled = sandbox.buyer.client.post(f"/orders/{order['id']}/cancel", {"reason": "too late"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "refunded"
    assert balance(f"buyer_credit:{sandbox.buyer.org.id}:USD") == 10_000  # the credit stays with the buyer
    assert_books_balance()


def test_small_orders_get_ten_percent(sandbox):
    paid_order(sandbox, unit_price=100, quantity="50")  # 50.00 USD -> 5.00 USD
    sandbox.advance(days=12)
    assert balance(f"buyer_credit:{sandbox.buyer.org.id}:USD") == 500


def test_on_time_shipment_is_not_compensated_but_a_d_rule_needs_delivery(sandbox):
    fob = paid_order(sandbox)
    dap = paid_order(sandbox, incoterm="DAP", named_place="Chicago warehouse")
    for order in (fob, dap):
        sandbox.supplier.client.post(
            f"/orders/{order['id']}/ship", {"carrier": "DHL", "tracking_number": "1"}, key=False
        )
    result = sandbox.advance(days=12)
    assert result["actions"] == {"late_compensation": 1}
    assert OrderEvent.objects.filter(order_id=dap["id"], kind="protection.compensated").exists()
    assert not OrderEvent.objects.filter(order_id=fob["id"], kind="protection.compensated").exists()


def test_thirty_days_late_cancels_and_refunds_automatically(sandbox):
    order = paid_order(sandbox)
    result = sandbox.advance(days=45)
    assert result["actions"] == {"late_compensation": 1, "late_cancel": 1}
    assert Order.objects.get(pk=order["id"]).status == "refunded"
    assert balance("refunds:USD") == 125_000 + 3_738
    action = ProtectionAction.objects.get(order_id=order["id"], rule="late_cancel")
    assert action.due_at.date().isoformat() == "2027-04-11" and action.outcome == {"status": "refunded"}
    assert_books_balance()


def test_unpaid_orders_expire(sandbox):
    order = confirmed_order(sandbox.buyer, sandbox.supplier, ship_by_date=SHIP_BY)
    assert sandbox.advance(days=13)["actions"] == {}
    assert sandbox.advance(days=2)["actions"] == {"unpaid_expiry": 1}
    assert Order.objects.get(pk=order["id"]).status == "cancelled"


def test_unpaid_balance_refunds_the_deposit(sandbox):
    order = confirmed_order(sandbox.buyer, sandbox.supplier, ship_by_date=SHIP_BY, deposit_percent="30")
    pay_card(sandbox.buyer, order["id"])
    result = sandbox.advance(days=20)
    assert result["actions"] == {"balance_overdue": 1}
    assert Order.objects.get(pk=order["id"]).status == "refunded"
    assert balance("refunds:USD") == 37_500 + 1_121
    assert balance(f"buyer_credit:{sandbox.buyer.org.id}:USD") == 0  # not the supplier's lateness


def test_receipt_is_confirmed_automatically_after_a_reminder(sandbox):
    order = paid_order(sandbox)
    sandbox.supplier.client.post(f"/orders/{order['id']}/ship", {"carrier": "DHL", "tracking_number": "1"}, key=False)
    assert sandbox.advance(days=58)["actions"] == {}
    assert sandbox.advance(days=1, hours=1)["actions"] == {"auto_confirm_reminder": 1}
    assert sandbox.advance(days=1)["actions"] == {"auto_confirm": 1}
    assert Order.objects.get(pk=order["id"]).status == "completed"
    assert supplier_funds(f"supplier_available:{sandbox.supplier.org.id}:USD") == 125_000
    assert_books_balance()


def test_delivery_shortens_the_window_to_fifteen_days(sandbox):
    order = paid_order(sandbox)
    sandbox.supplier.client.post(f"/orders/{order['id']}/ship", {"carrier": "DHL", "tracking_number": "1"}, key=False)
    sandbox.advance(days=5)
    sandbox.supplier.client.post(f"/orders/{order['id']}/mark-delivered", key=False)
    result = sandbox.advance(days=16)
    assert result["actions"] == {"auto_confirm_reminder": 1, "auto_confirm": 1}
    assert Order.objects.get(pk=order["id"]).status == "completed"


def test_one_advance_fires_everything_in_due_order(sandbox):
    late = paid_order(sandbox)
    unpaid = confirmed_order(sandbox.buyer, sandbox.supplier, ship_by_date=SHIP_BY)
    result = sandbox.advance(days=90)
    assert result["actions"] == {"unpaid_expiry": 1, "late_compensation": 1, "late_cancel": 1}
    kinds = list(
        OrderEvent.objects.filter(
            order_id__in=[late["id"], unpaid["id"]],
            kind__in=["order.cancelled", "protection.compensated", "order.refunded"],
        )
        .order_by("created_at")
        .values_list("kind", flat=True)
    )
    assert kinds == ["protection.compensated", "order.cancelled", "order.refunded"]


def test_clocks_only_move_forward_and_real_time_cannot_be_advanced(sandbox):
    clock = sandbox.admin.client.get(f"/test-clocks/{sandbox.clock_id}").json()
    back = sandbox.admin.client.post(
        f"/test-clocks/{sandbox.clock_id}/advance", {"to": "2027-01-01T00:00:00Z"}, key=False
    )
    assert back.status_code == 422 and back.json()["error"]["code"] == "clock_cannot_go_back"
    real = sandbox.admin.client.post("/test-clocks/real/advance", {"to": "2030-01-01T00:00:00Z"}, key=False)
    assert real.status_code == 404 and real.json()["error"]["code"] == "test_clock_not_found"
    naive = sandbox.admin.client.post(
        f"/test-clocks/{sandbox.clock_id}/advance", {"to": "2030-01-01T00:00:00"}, key=False
    )
    assert naive.status_code == 422
    refused = sandbox.buyer.client.post(
        f"/test-clocks/{sandbox.clock_id}/advance", {"to": "2030-01-01T00:00:00Z"}, key=False
    )
    assert refused.status_code == 403
    assert sandbox.admin.client.get(f"/test-clocks/{sandbox.clock_id}").json()["now"] == clock["now"]


def test_sandbox_requests_run_on_the_clock(sandbox):
    sandbox.advance(days=3)
    order = confirmed_order(sandbox.buyer, sandbox.supplier, ship_by_date=SHIP_BY)
    assert order["created_at"].startswith("2027-03-04")


def test_the_order_page_shows_the_compensation_and_offers_the_buyer_cancellation(sandbox):
    from django.test import Client

    order = paid_order(sandbox)
    browser = Client()
    browser.force_login(sandbox.buyer.user)
    assert "Cancel order" not in browser.get(f"/orders/{order['id']}/").content.decode()
    sandbox.advance(days=12)
    page = browser.get(f"/orders/{order['id']}/").content.decode()
    assert "Late shipment: buyer compensated automatically" in page
    assert "100.00 USD" in page and "the buyer may now cancel for a full refund" in page
    assert "Cancel order" in page


def test_the_policy_is_data_that_admins_change(sandbox):
    assert sandbox.buyer.client.get("/protection-policy").json()["late_compensation_percent"] == "10.00"
    refused = sandbox.buyer.client.client.patch(
        "/api/v1/protection-policy",
        data='{"late_compensation_percent": "5"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {sandbox.buyer.client.token}"},
    )
    assert refused.status_code == 403
    changed = sandbox.admin.client.client.patch(
        "/api/v1/protection-policy",
        data='{"late_compensation_percent": "5", "late_compensation_cap_usd": 50000}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {sandbox.admin.client.token}"},
    )
    assert changed.status_code == 200 and changed.json()["late_compensation_percent"] == "5.00"
    paid_order(sandbox)
    sandbox.advance(days=12)
    assert balance(f"buyer_credit:{sandbox.buyer.org.id}:USD") == 6_250  # 5 % of 1,250.00, under the new cap
