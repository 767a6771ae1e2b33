"""A buyer can give up a payment that is still waiting, and money that already arrived goes back."""

import pytest
from tests.api.test_happy_paths import bank_notify
from tests.conftest import confirmed_order, pay_card
from tests.helpers import assert_books_balance, balance

pytestmark = pytest.mark.django_db


def test_abandoning_a_partly_funded_bank_transfer_refunds_what_arrived(buyer, supplier):
    from django.test import Client

    order = confirmed_order(buyer, supplier)
    payment = buyer.client.post(f"/orders/{order['id']}/payments", {"method": "bank_transfer"}).json()
    bank_notify(Client(), txn="T-1", reference=payment["bank_instructions"]["reference"], amount=40_000, currency="USD")
    refused = supplier.client.post(f"/payments/{payment['id']}/cancel")
    assert refused.status_code == 403
    cancelled = buyer.client.post(f"/payments/{payment['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["refunded"]["amount"] == 40_000
    assert balance("refunds:USD") == 40_000 and balance(f"escrow:{order['id']}:USD") == 0
    late = bank_notify(
        Client(), txn="T-2", reference=payment["bank_instructions"]["reference"], amount=85_000, currency="USD"
    )
    assert late["applied"]["amount"] == 0 and late["excess"]["amount"] == 85_000  # refunded, never held
    assert pay_card(buyer, order["id"]).status_code == 201
    again = buyer.client.post(f"/payments/{payment['id']}/cancel")
    assert again.status_code == 409 and again.json()["error"]["code"] == "payment_not_abandonable"
    assert_books_balance()


def test_abandon_needs_an_idempotency_key_and_hides_from_strangers(buyer, supplier, other_buyer):
    order = confirmed_order(buyer, supplier)
    payment = buyer.client.post(f"/orders/{order['id']}/payments", {"method": "wallet", "wallet": "paypal"}).json()
    missing = buyer.client.post(f"/payments/{payment['id']}/cancel", key=False)
    assert missing.status_code == 400
    assert other_buyer.client.post(f"/payments/{payment['id']}/cancel").status_code == 404
