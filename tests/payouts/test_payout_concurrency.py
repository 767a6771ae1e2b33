"""Two payouts for the whole available balance at the same instant, on separate connections: one wins."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from tests.helpers import assert_books_balance, balance, pending_debits
from tests.payouts.support import payout, released_order, verified_account
from tradeshield.payouts.models import Payout

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_simultaneous_payouts_of_the_full_balance_pay_once(buyer, supplier):
    released_order(buyer, supplier)
    account_id = verified_account(supplier)
    available = balance(f"supplier_available:{supplier.org.id}:USD")
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            barrier.wait()
            status = payout(supplier, account_id, available, key=f"race-{index}").status_code
            with lock:
                statuses.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(statuses) == Counter({201: 1, 422: 1})
    assert Payout.objects.count() == 1
    assert pending_debits(f"supplier_available:{supplier.org.id}:USD") == available
    assert balance(f"supplier_available:{supplier.org.id}:USD") == available  # posted only when confirmed
    assert_books_balance()
