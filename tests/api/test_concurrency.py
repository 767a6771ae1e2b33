"""Simultaneous requests on one order from separate database connections move money exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from tests.conftest import confirmed_order, pay_card
from tests.helpers import assert_books_balance, balance, supplier_funds

from tradeshield.ledger.models import Transfer

# serialized_rollback restores the fee schedule that a data migration seeded, after each flush
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
RACERS = 20


def race(call: Callable[[int], int]) -> Counter[int]:
    """Run `call` in RACERS threads released at the same instant; count the status codes."""
    barrier = threading.Barrier(RACERS)
    results: list[int] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            barrier.wait()
            status = call(index)
            with lock:
                results.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == RACERS
    return Counter(results)


def shipped_order(buyer, supplier) -> str:
    order = confirmed_order(buyer, supplier)
    assert pay_card(buyer, order["id"]).status_code == 201
    supplier.client.post(f"/orders/{order['id']}/ship", {"carrier": "DHL", "tracking_number": "1"}, key=False)
    return order["id"]


def test_twenty_simultaneous_confirm_receipts_release_once(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    statuses = race(lambda i: buyer.client.post(f"/orders/{order_id}/confirm-receipt", key=f"r{i}").status_code)
    assert statuses == Counter({200: 1, 409: RACERS - 1})
    assert Transfer.objects.filter(code="escrow_release").count() == 1
    assert supplier_funds(f"supplier_available:{supplier.org.id}:USD") == 125_000
    assert balance(f"escrow:{order_id}:USD") == 0
    assert_books_balance()


def test_twenty_simultaneous_cancels_refund_once(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    pay_card(buyer, order["id"])
    statuses = race(
        lambda i: supplier.client.post(f"/orders/{order['id']}/cancel", {"reason": "x"}, key=f"c{i}").status_code
    )
    assert statuses == Counter({200: 1, 409: RACERS - 1})
    assert balance("refunds:USD") == 125_000 + 3_738
    assert balance(f"escrow:{order['id']}:USD") == 0
    assert_books_balance()


def test_twenty_simultaneous_partial_refunds_never_exceed_the_escrow(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    pay_card(buyer, order["id"])
    body = {"amount": {"amount": 10_000, "currency": "USD"}, "reason": "damaged units"}
    statuses = race(lambda i: supplier.client.post(f"/orders/{order['id']}/refunds", body, key=f"p{i}").status_code)
    assert statuses == Counter({200: 12, 422: 8})  # 125,000 held: twelve refunds of 10,000 fit
    assert balance("refunds:USD") == 120_000
    assert balance(f"escrow:{order['id']}:USD") == 5_000
    assert_books_balance()


def test_twenty_simultaneous_payments_of_one_milestone_charge_once(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    statuses = race(lambda i: pay_card(buyer, order["id"]).status_code)
    assert statuses == Counter({201: 1, 409: RACERS - 1})
    assert balance(f"escrow:{order['id']}:USD") == 125_000
    assert_books_balance()


def test_the_same_idempotency_key_twenty_times_at_once(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    statuses = race(lambda i: buyer.client.post(f"/orders/{order_id}/confirm-receipt", key="same").status_code)
    assert statuses[200] >= 1 and set(statuses) <= {200, 409}
    assert Transfer.objects.filter(code="escrow_release").count() == 1
    assert supplier_funds(f"supplier_available:{supplier.org.id}:USD") == 125_000
