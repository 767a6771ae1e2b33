"""One-click payment with a saved card: token only, encrypted; expired, removed and other-org tokens refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from tests.conftest import VISA, confirmed_order
from tests.helpers import assert_books_balance, ledger_snapshot
from tradeshield.kit import clock
from tradeshield.payments.models import Payment, SavedMethod

pytestmark = pytest.mark.django_db


def save(buyer, card=None):
    return buyer.client.post("/payment-methods", {"card": card or VISA}, key=False)


def pay_saved(buyer, order_id, method_id):
    return buyer.client.post(f"/orders/{order_id}/payments", {"method": "card", "saved_method_id": method_id})


def test_save_a_card_and_pay_a_milestone_with_one_action(buyer, supplier):
    saved = save(buyer)
    assert saved.status_code == 201, saved.content
    body = saved.json()
    assert body["last4"] == "4242" and body["brand"] == "visa" and not body["expired"]
    assert VISA["number"] not in saved.content.decode()
    with connection.cursor() as cur:
        cur.execute("SELECT token FROM payment_saved_method WHERE id = %s", [body["id"]])
        assert cur.fetchone()[0].startswith("enc:v1:")
    order = confirmed_order(buyer, supplier)
    paid = pay_saved(buyer, order["id"], body["id"])
    assert paid.status_code == 201, paid.content
    assert paid.json()["status"] == "held"
    assert Payment.objects.get(pk=paid.json()["id"]).saved_method_id == body["id"]
    assert [m["id"] for m in buyer.client.get("/payment-methods").json()] == [body["id"]]
    assert_books_balance()


def test_a_declining_saved_card_fails_like_a_typed_one(buyer, supplier):
    method_id = save(buyer, {**VISA, "number": "4000000000000002"}).json()["id"]
    order = confirmed_order(buyer, supplier)
    before = ledger_snapshot()
    declined = pay_saved(buyer, order["id"], method_id)
    assert declined.status_code == 402 and declined.json()["failure_code"] == "card_declined"
    assert ledger_snapshot() == before


def test_expired_removed_and_other_org_saved_cards_are_refused(buyer, supplier, other_buyer):
    method_id = save(buyer, {**VISA, "exp_year": clock.today().year, "exp_month": clock.today().month}).json()["id"]
    order = confirmed_order(buyer, supplier)
    before = ledger_snapshot()
    last_month = clock.today().replace(day=1) - timedelta(days=1)  # the card's expiry month has passed
    SavedMethod.objects.filter(pk=method_id).update(exp_year=last_month.year, exp_month=last_month.month)
    expired = pay_saved(buyer, order["id"], method_id)
    assert expired.status_code == 422 and expired.json()["error"]["code"] == "card_expired"
    other = pay_saved(other_buyer, order["id"], method_id)
    assert other.status_code == 404
    rival_method = save(other_buyer).json()["id"]
    foreign = pay_saved(buyer, order["id"], rival_method)
    assert foreign.status_code == 404 and foreign.json()["error"]["code"] == "saved_method_not_found"
    removed = buyer.client.client.delete(
        f"/api/v1/payment-methods/{method_id}", headers={"Authorization": f"Bearer {buyer.client.token}"}
    )
    assert removed.status_code == 200
    reused = pay_saved(buyer, order["id"], method_id)
    assert reused.status_code == 409 and reused.json()["error"]["code"] == "saved_method_revoked"
    wrong_method = buyer.client.post(
        f"/orders/{order['id']}/payments", {"method": "wallet", "wallet": "paypal", "saved_method_id": method_id}
    )
    assert wrong_method.status_code == 422
    assert ledger_snapshot() == before
    assert not Payment.objects.filter(order_id=order["id"]).exists()


def test_suppliers_cannot_save_cards_and_anonymous_is_401(supplier):
    assert save(supplier).status_code == 403
    assert supplier.client.client.get("/api/v1/payment-methods").status_code == 401
    assert SavedMethod.objects.count() == 0
