"""Compensation becomes buyer credit that pays part of a later order, and goes back as credit on refund."""

from __future__ import annotations

import pytest
from tests.conftest import VISA, confirmed_order, pay_card
from tests.helpers import assert_books_balance, balance
from tests.protections.test_rules import paid_order

pytestmark = pytest.mark.django_db


def credit_of(sandbox) -> int:
    return balance(f"buyer_credit:{sandbox.buyer.org.id}:USD")


@pytest.fixture
def compensated(sandbox):
    paid_order(sandbox)
    sandbox.advance(days=12)
    assert credit_of(sandbox) == 10_000
    return sandbox


def test_credit_pays_first_and_the_card_pays_the_rest_with_its_fee(compensated):
    sandbox = compensated
    order = confirmed_order(sandbox.buyer, sandbox.supplier, ship_by_date="2027-04-30")
    paid = sandbox.buyer.client.post(
        f"/orders/{order['id']}/payments", {"method": "card", "card": VISA, "use_credit": True}
    )
    assert paid.status_code == 201, paid.content
    body = paid.json()
    assert body["credit_applied"]["amount"] == 10_000
    assert body["fee"]["amount"] == 3_439  # 2.99 % of the 1,150.00 the card pays, rounded half up
    assert body["total_charged"]["amount"] == 115_000 + 3_439
    assert credit_of(sandbox) == 0
    assert balance(f"escrow:{order['id']}:USD") == 125_000
    cancelled = sandbox.supplier.client.post(f"/orders/{order['id']}/cancel", {"reason": "out of stock"})
    assert cancelled.json()["status"] == "refunded"
    assert credit_of(sandbox) == 10_000  # the credit came back as credit
    assert balance("refunds:USD") == 115_000 + 3_439  # the card gets back what it paid, fee included
    assert_books_balance()


def test_small_order_paid_entirely_by_credit(compensated):
    sandbox = compensated
    order = confirmed_order(sandbox.buyer, sandbox.supplier, ship_by_date="2027-04-30", unit_price=100, quantity="50")
    paid = sandbox.buyer.client.post(f"/orders/{order['id']}/payments", {"method": "credit"})
    assert paid.status_code == 201, paid.content
    assert paid.json()["status"] == "held" and paid.json()["fee"]["amount"] == 0
    assert credit_of(sandbox) == 5_000
    big = confirmed_order(sandbox.buyer, sandbox.supplier, ship_by_date="2027-04-30")
    refused = sandbox.buyer.client.post(f"/orders/{big['id']}/payments", {"method": "credit"})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "insufficient_credit"
    assert_books_balance()


def test_a_declined_card_gives_the_credit_back(compensated):
    sandbox = compensated
    order = confirmed_order(sandbox.buyer, sandbox.supplier, ship_by_date="2027-04-30")
    declined = pay_card(sandbox.buyer, order["id"], {**VISA, "number": "4000000000000002"}, use_credit=True)
    assert declined.status_code == 402
    assert credit_of(sandbox) == 10_000
    assert_books_balance()
