"""Bad input gets a clear 4xx with a stable code, and changes nothing."""

from __future__ import annotations

import pytest
from tests.conftest import VISA, confirmed_order, order_body, pay_card
from tests.helpers import ledger_snapshot

from tradeshield.orders.models import Order
from tradeshield.payments.models import Payment

pytestmark = pytest.mark.django_db


def _error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code, response.content
    assert response.json()["error"]["message"]


def test_malformed_json_and_unknown_fields(buyer, supplier):
    _error(supplier.client.post("/orders", raw="{not json", key=False), 400, "malformed_json")
    body = order_body(buyer_id=buyer.org.id, discount=5)
    response = supplier.client.post("/orders", body, key=False)
    _error(response, 422, "unknown_field")
    assert response.json()["error"]["field"] == "discount"
    assert Order.objects.count() == 0


def test_a_missing_field_is_named_by_its_path_even_when_it_is_called_body(buyer, supplier):
    missing_body = buyer.client.post("/support/tickets", {"subject": "Help"}, key=False)
    _error(missing_body, 422, "missing_field")
    assert missing_body.json()["error"]["field"] == "body"
    body = order_body(buyer_id=buyer.org.id)
    del body["lines"][0]["quantity"]
    nested = supplier.client.post("/orders", body, key=False)
    _error(nested, 422, "missing_field")
    assert nested.json()["error"]["field"] == "lines[0].quantity"
    limit = buyer.client.get("/orders?limit=lots")
    _error(limit, 422, "invalid_value")
    assert limit.json()["error"]["field"] == "limit"


@pytest.mark.parametrize("amount", [0, -100, 10**16, 10**30])
def test_zero_negative_and_overflowing_prices(buyer, supplier, amount):
    response = supplier.client.post("/orders", order_body(buyer_id=buyer.org.id, unit_price=amount), key=False)
    assert response.status_code == 422, response.content
    assert Order.objects.count() == 0


@pytest.mark.parametrize("quantity", ["0", "-1", "1.2345", "abc", "1e30"])
def test_bad_quantities(buyer, supplier, quantity):
    response = supplier.client.post("/orders", order_body(buyer_id=buyer.org.id, quantity=quantity), key=False)
    assert response.status_code == 422, response.content
    assert Order.objects.count() == 0


def test_currency_rules(buyer, supplier):
    _error(
        supplier.client.post("/orders", order_body(buyer_id=buyer.org.id, currency="XYZ"), key=False),
        422,
        "unsupported_currency",
    )
    body = order_body(buyer_id=buyer.org.id)
    body["lines"][0]["unit_price"]["currency"] = "EUR"
    _error(supplier.client.post("/orders", body, key=False), 422, "currency_mismatch")
    order = confirmed_order(buyer, supplier)
    before = ledger_snapshot()
    wrong = buyer.client.post(
        f"/orders/{order['id']}/payments",
        {"method": "card", "card": VISA, "amount": {"amount": 125_000, "currency": "EUR"}},
    )
    _error(wrong, 422, "currency_mismatch")
    short = buyer.client.post(
        f"/orders/{order['id']}/payments", {"method": "card", "card": VISA, "amount": {"amount": 1, "currency": "USD"}}
    )
    _error(short, 422, "amount_mismatch")
    assert ledger_snapshot() == before and Payment.objects.count() == 0


@pytest.mark.parametrize(
    ("card", "code"),
    [
        ({"number": "4242424242424241", "exp_month": 12, "exp_year": 2030, "cvc": "123"}, "card_invalid"),
        ({"number": "4242424242424242", "exp_month": 1, "exp_year": 2020, "cvc": "123"}, "card_expired"),
        ({"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "12"}, "card_invalid"),
        ({"number": "9999999999999995", "exp_month": 12, "exp_year": 2030, "cvc": "123"}, "card_brand_unsupported"),
    ],
)
def test_bad_cards_change_nothing(buyer, supplier, card, code):
    order = confirmed_order(buyer, supplier)
    before = ledger_snapshot()
    response = pay_card(buyer, order["id"], card)
    _error(response, 422, code)
    assert card["number"] not in response.content.decode()
    assert ledger_snapshot() == before and Payment.objects.count() == 0


def test_a_declined_card_records_a_failed_attempt_and_moves_no_money(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    before = ledger_snapshot()
    declined = pay_card(
        buyer, order["id"], {"number": "4000000000000002", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    )
    assert declined.status_code == 402 and declined.json()["failure_code"] == "card_declined"
    assert ledger_snapshot() == before
    assert buyer.client.get(f"/orders/{order['id']}").json()["status"] == "awaiting_payment"
    assert pay_card(buyer, order["id"]).status_code == 201  # a retry with a good card works


def test_paying_a_cancelled_order(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    assert buyer.client.post(f"/orders/{order['id']}/cancel", {"reason": "no longer needed"}).status_code == 200
    before = ledger_snapshot()
    _error(pay_card(buyer, order["id"]), 409, "order_not_payable")
    assert ledger_snapshot() == before


def test_paying_twice_and_confirming_out_of_turn(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    pay_card(buyer, order["id"])
    before = ledger_snapshot()
    _error(pay_card(buyer, order["id"]), 409, "order_not_payable")
    _error(buyer.client.post(f"/orders/{order['id']}/confirm", key=False), 409, "order_not_confirmable")
    _error(buyer.client.post(f"/orders/{order['id']}/confirm-receipt"), 409, "order_not_receivable")
    _error(
        supplier.client.post(
            f"/orders/{order['id']}/refunds", {"amount": {"amount": 200_000, "currency": "USD"}, "reason": "x"}
        ),
        422,
        "refund_exceeds_held",
    )
    assert ledger_snapshot() == before


def test_confirming_changed_terms_is_refused(buyer, supplier):
    created = supplier.client.post("/orders", order_body(buyer_id=buyer.org.id), key=False).json()
    edited = supplier.client.put(f"/orders/{created['id']}", order_body(buyer_id=buyer.org.id, unit_price=1300))
    assert edited.status_code == 200
    _error(
        buyer.client.post(f"/orders/{created['id']}/confirm", {"terms_hash": created["terms_hash"]}, key=False),
        409,
        "terms_changed",
    )


def test_supplier_cannot_pay_and_buyer_cannot_ship(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    _error(pay_card(supplier, order["id"]), 403, "wrong_party")
    pay_card(buyer, order["id"])
    _error(
        buyer.client.post(f"/orders/{order['id']}/ship", {"carrier": "x", "tracking_number": "y"}, key=False),
        403,
        "wrong_party",
    )


def test_order_terms_validation(buyer, supplier):
    both = order_body(buyer_id=buyer.org.id, lead_time_days=30)
    _error(supplier.client.post("/orders", both, key=False), 422, "order_invalid")
    _error(
        supplier.client.post("/orders", order_body(buyer_id=buyer.org.id, incoterm="XXX"), key=False),
        422,
        "order_invalid",
    )
    _error(
        supplier.client.post("/orders", order_body(buyer_id=supplier.org.id), key=False), 422, "counterparty_not_found"
    )
    _error(
        supplier.client.post("/orders", order_body(buyer_id=buyer.org.id, deposit_percent="100"), key=False),
        422,
        "order_invalid",
    )
    assert Order.objects.count() == 0


def test_nul_characters_in_bodies_are_422_not_500(buyer, supplier):
    # Found by the API fuzz: PostgreSQL text cannot hold U+0000, so these reached the database and 500ed.
    _error(buyer.client.post("/api-keys", {"name": "ERP\x00"}, key=False), 422, "invalid_value")
    body = order_body(buyer_id=buyer.org.id, title="LED\x00 panels")
    response = supplier.client.post("/orders", body, key=False)
    _error(response, 422, "invalid_value")
    assert response.json()["error"]["field"] == "title"
    order = confirmed_order(buyer, supplier)
    nested = supplier.client.post(f"/orders/{order['id']}/amendments", {"changes": {"notes": "a\x00b"}}, key=False)
    _error(nested, 422, "invalid_value")
    assert Order.objects.count() == 1 and not Order.objects.get().amendments.exists()


@pytest.mark.parametrize(
    "path",
    ["/orders/ord_%00x", "/orders?status=%00", "/orders?cursor=a%00", "/payments/pay_%00", "/organizations?kind=%00"],
)
def test_nul_characters_in_urls_are_400_not_500(buyer, path):
    response = buyer.client.client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {buyer.client.token}"})
    _error(response, 400, "invalid_characters")


def test_nul_characters_in_web_urls_are_400_not_500(buyer):
    buyer.client.client.force_login(buyer.user)
    assert buyer.client.client.get("/orders/ord_%00x/").status_code == 400
    assert buyer.client.client.get("/orders/ord_x/").status_code == 404


def test_times_with_extreme_utc_offsets_are_stored_in_utc_not_a_500(db):
    # Found by the API fuzz: "+18:11" is a valid offset to Python but not to PostgreSQL (a 500).
    from tests.conftest import make_party

    from tradeshield.organizations.models import OrgKind

    admin = make_party(OrgKind.BUYER, "unused", "GB")
    admin.user.membership.delete()
    admin.user.staff_role = "admin"
    admin.user.save()
    created = admin.client.post("/test-clocks", {"name": "far", "start_at": "2205-10-03T02:27:47+18:11"}, key=False)
    assert created.status_code == 201, created.content
    assert created.json()["now"] == "2205-10-02T08:16:47Z"
    edge = admin.client.post("/test-clocks", {"name": "edge", "start_at": "9999-12-31T23:59:59-18:00"}, key=False)
    _error(edge, 422, "invalid_value")
