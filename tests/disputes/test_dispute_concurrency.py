"""Two decisions at the same instant, from separate database connections, move money once; so do two
workers closing the same appeal window."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection

from tests.disputes.conftest import TOTAL, make_expert, open_dispute, shipped_order, supplier_earned, usd
from tests.helpers import assert_books_balance, balance
from tradeshield.disputes import deadlines
from tradeshield.disputes.models import Dispute
from tradeshield.kit import clock
from tradeshield.ledger.models import Transfer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def race(calls: list[Callable[[], object]]) -> list[object]:
    barrier = threading.Barrier(len(calls))
    results: list[object] = []
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            result = call()
            with lock:
                results.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == len(calls)
    return results


def test_simultaneous_decisions_and_sweeps_move_money_once(buyer, supplier):
    expert = make_expert("Racing Expert")
    order_id = shipped_order(buyer, supplier)
    dispute_id = open_dispute(buyer, order_id).json()["id"]
    supplier.client.post(f"/disputes/{dispute_id}/counter", {"amount": usd(0), "text": "No."}, key=False)
    start = clock.now()
    deadlines.sweep(now=start + timedelta(days=7, minutes=1))
    assert Dispute.objects.get(pk=dispute_id).expert_id == expert.user.id

    def decide(buyer_amount: int) -> Callable[[], object]:
        body = {
            "buyer_amount": usd(buyer_amount),
            "supplier_amount": usd(TOTAL - buyer_amount),
            "reasons": "Decided on the photos and the tracking history.",
        }
        return lambda: expert.client.post(f"/disputes/{dispute_id}/decide", body, key=f"k{buyer_amount}").status_code

    statuses = Counter(race([decide(40_000), decide(60_000)]))
    assert statuses == Counter({200: 1, 409: 1})
    decided = Dispute.objects.get(pk=dispute_id)
    assert decided.status == "decided"
    refund = decided.decision_buyer_amount
    assert refund in (40_000, 60_000)

    closing = start + timedelta(days=16)
    acted = race([lambda: deadlines.sweep(now=closing), lambda: deadlines.sweep(now=closing)])
    assert sum(sum(c.values()) for c in acted) == 1  # type: ignore[attr-defined]
    assert Dispute.objects.get(pk=dispute_id).status == "resolved"
    assert balance("refunds:USD") == refund
    assert supplier_earned(supplier) == TOTAL - refund
    assert Transfer.objects.filter(code="escrow_release").count() == 1
    assert balance(f"escrow:{order_id}:USD") == 0
    assert_books_balance()
