"""Orders through the forms: create, confirm, ship, deliver, amend, cancel, refund."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.web.support import confirmed, make_order, messages_of, paid, shipped

from tradeshield.kit import clock
from tradeshield.orders.models import Order
from tradeshield.payments.models import Payment

pytestmark = pytest.mark.django_db


def order_form(party: str, **overrides: str) -> dict[str, str]:
    data = {
        "counterparty": party,
        "title": "Solar lights",
        "currency": "USD",
        "incoterm": "FOB",
        "named_place": "Shenzhen (Yantian)",
        "schedule": "date",
        "ship_by_date": (clock.today() + timedelta(days=40)).isoformat(),
        "lead_time_days": "",
        "payment_plan": "deposit",
        "deposit_percent": "30",
        "inspection_required": "on",
        "notes": "Pack in 4s",
        "lines-TOTAL_FORMS": "5",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "5",
        "lines-0-product_name": "Solar street light",
        "lines-0-specifications": "100 W",
        "lines-0-quantity": "80",
        "lines-0-unit": "pcs",
        "lines-0-unit_price": "248.50",
        "lines-1-product_name": "Mounting kit",
        "lines-1-specifications": "",
        "lines-1-quantity": "80",
        "lines-1-unit": "sets",
        "lines-1-unit_price": "12.25",
    }
    for i in range(2, 5):
        data.update(
            {
                f"lines-{i}-product_name": "",
                f"lines-{i}-specifications": "",
                f"lines-{i}-quantity": "",
                f"lines-{i}-unit": "pcs",
                f"lines-{i}-unit_price": "",
            }
        )
    data.update(overrides)
    return data


def test_supplier_creates_an_order_through_the_form(buyer, supplier):
    page = supplier.client.get("/orders/new/").content.decode()
    assert "Acme Imports (US)" in page and 'for="id_lines-0-unit_price"' in page

    response = supplier.client.post("/orders/new/", order_form(buyer.org.id))
    order = Order.objects.get(supplier=supplier.org)
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.id}/"
    assert (order.buyer_id, order.initiated_by, order.status) == (buyer.org.id, "supplier", "draft")
    assert order.total_amount == 80 * 24_850 + 80 * 1_225
    assert [line.unit_price for line in order.lines.all()] == [24_850, 1_225]
    assert [(m.kind, m.amount) for m in order.milestones.all()] == [("deposit", 625_800), ("balance", 1_460_200)]
    assert order.inspection_required and order.notes == "Pack in 4s"

    detail = supplier.client.get(response["Location"]).content.decode()
    assert order.terms_hash in detail and "20,860.00 USD" in detail


def test_buyer_requests_an_order_with_a_lead_time_in_yen(buyer, supplier):
    data = order_form(
        supplier.org.id,
        currency="JPY",
        schedule="lead_time",
        ship_by_date="",
        lead_time_days="45",
        payment_plan="full",
        **{"lines-0-unit_price": "24800", "lines-1-unit_price": "150"},
    )
    response = buyer.client.post("/orders/new/", data)
    assert response.status_code == 302
    order = Order.objects.get(buyer=buyer.org)
    assert (order.initiated_by, order.ship_by_date, order.lead_time_days) == ("buyer", None, 45)
    assert order.total_amount == 80 * 24_800 + 80 * 150
    assert [m.kind for m in order.milestones.all()] == ["full"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"currency": "JPY"}, "JPY has no decimals."),
        ({"ship_by_date": "2001-01-01"}, "The ship-by date is in the past."),
        ({"lines-0-quantity": "-1"}, "Ensure this value is greater than or equal to"),
        ({"counterparty": ""}, "This field is required."),
        ({"schedule": "lead_time", "lead_time_days": ""}, "Give the lead time in days."),
    ],
)
def test_bad_order_input_is_shown_next_to_the_field(buyer, supplier, overrides, message):
    response = supplier.client.post("/orders/new/", order_form(buyer.org.id, **overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "is-invalid" in html
    assert not Order.objects.exists()


def test_both_sides_confirm_the_hash_they_saw(buyer, supplier):
    order = make_order(supplier, buyer)
    page = supplier.client.get(f"/orders/{order.id}/").content.decode()
    assert f'name="expected_terms_hash" value="{order.terms_hash}"' in page
    response = supplier.client.post(
        f"/orders/{order.id}/confirm/", {"expected_terms_hash": order.terms_hash}, follow=True
    )
    assert "Waiting for the other side" in " ".join(messages_of(response))

    stale = buyer.client.post(f"/orders/{order.id}/confirm/", {"expected_terms_hash": "0" * 64}, follow=True)
    assert any("terms changed" in m for m in messages_of(stale))
    assert Order.objects.get(pk=order.id).buyer_confirmed_at is None

    buyer.client.post(f"/orders/{order.id}/confirm/", {"expected_terms_hash": order.terms_hash})
    order.refresh_from_db()
    assert order.status == "awaiting_payment"
    html = buyer.client.get(f"/orders/{order.id}/").content.decode()
    assert "Buyer confirmed" in html and "Supplier confirmed" in html
    assert f'href="/orders/{order.id}/pay/"' in html


def test_supplier_ships_and_buyer_marks_delivered(buyer, supplier):
    order = paid(supplier, buyer)
    assert f'action="/orders/{order.id}/ship/"' not in buyer.client.get(f"/orders/{order.id}/").content.decode()
    missing = supplier.client.post(
        f"/orders/{order.id}/ship/", {"carrier": "", "tracking_number": "", "mode": "sea"}, follow=True
    )
    assert any("Carrier" in m for m in messages_of(missing))
    supplier.client.post(f"/orders/{order.id}/ship/", {"carrier": "Maersk", "tracking_number": "MAEU1", "mode": "sea"})
    order.refresh_from_db()
    assert order.status == "shipped"
    buyer.client.post(f"/orders/{order.id}/deliver/")
    order.refresh_from_db()
    assert order.status == "delivered"
    html = buyer.client.get(f"/orders/{order.id}/").content.decode()
    assert "Maersk · MAEU1 · Sea freight" in html and "Marked as delivered" in html


def test_cancel_before_payment_and_refund_in_full_after(buyer, supplier):
    draft = confirmed(supplier, buyer)
    buyer.client.post(f"/orders/{draft.id}/cancel/", {"reason": "Budget cut", "idempotency_key": "c-1"})
    draft.refresh_from_db()
    assert draft.status == "cancelled"

    order = paid(supplier, buyer, title="Paid then cancelled")
    html = buyer.client.get(f"/orders/{order.id}/").content.decode()
    assert f'action="/orders/{order.id}/cancel/"' not in html  # a paid order is cancelled by the supplier
    supplier.client.post(f"/orders/{order.id}/cancel/", {"reason": "Out of stock", "idempotency_key": "c-2"})
    order.refresh_from_db()
    assert order.status == "refunded"
    payment = Payment.objects.get(order_id=order.id)
    assert payment.refunded_amount == payment.total_charged


def test_partial_refund_in_major_units(buyer, supplier):
    order = shipped(supplier, buyer)
    form = supplier.client.get(f"/orders/{order.id}/").content.decode()
    assert "Amount to refund (USD)" in form
    too_precise = supplier.client.post(
        f"/orders/{order.id}/refund/", {"amount": "10.001", "reason": "x", "idempotency_key": "r-0"}, follow=True
    )
    assert any("at most 2 decimals" in m for m in messages_of(too_precise))
    supplier.client.post(
        f"/orders/{order.id}/refund/", {"amount": "100.50", "reason": "Two panels cracked", "idempotency_key": "r-1"}
    )
    payment = Payment.objects.get(order_id=order.id)
    assert payment.refunded_amount == 10_050 and payment.status == "partially_refunded"
    too_much = supplier.client.post(
        f"/orders/{order.id}/refund/", {"amount": "999999", "reason": "x", "idempotency_key": "r-2"}, follow=True
    )
    assert any("At most" in m for m in messages_of(too_much))
    assert Payment.objects.get(order_id=order.id).refunded_amount == 10_050


def test_amendment_proposed_by_one_side_and_accepted_by_the_other(buyer, supplier):
    order = paid(supplier, buyer)
    new_date = clock.today() + timedelta(days=60)
    empty = supplier.client.post(f"/orders/{order.id}/amendments/", {"reason": "nothing"}, follow=True)
    assert any("at least one term" in m for m in messages_of(empty))
    supplier.client.post(
        f"/orders/{order.id}/amendments/",
        {"ship_by_date": new_date.isoformat(), "named_place": "Shekou", "reason": "Port congestion"},
    )
    amendment = order.amendments.get()
    html = buyer.client.get(f"/orders/{order.id}/").content.decode()
    assert "Port congestion" in html and "Shekou" in html
    assert f'action="/orders/{order.id}/amendments/{amendment.id}/accept/"' in html
    assert f"/amendments/{amendment.id}/withdraw/" not in html

    buyer.client.post(f"/orders/{order.id}/amendments/{amendment.id}/accept/")
    order.refresh_from_db()
    assert (order.named_place, order.ship_by_date, order.terms_version) == ("Shekou", new_date, 2)
