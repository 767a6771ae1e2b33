"""Holds and posts on one account from many real connections at once: no overdraft, each pending
transfer resolved once, and the books balance."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection, transaction
from tests.helpers import assert_books_balance

from tradeshield.ledger import services as ledger
from tradeshield.ledger.models import Account, AccountKind, Transfer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
RACERS = 16


def race(call: Callable[[int], None]) -> Counter[str]:
    """`call(i)` in its own transaction on its own connection, all released at once; outcomes counted."""
    barrier = threading.Barrier(RACERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            barrier.wait()
            try:
                with transaction.atomic():
                    call(index)
                outcome = "ok"
            except Exception as exc:  # the outcome is what the test asserts on
                outcome = type(exc).__name__
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(outcomes)


def _funded_escrow(amount: int) -> tuple[Account, Account]:
    funding = ledger.account_ensure(kind=AccountKind.BUYER_FUNDING, currency="USD")
    escrow = ledger.account_ensure(kind=AccountKind.ESCROW, currency="USD", owner_ref="ord_race")
    ledger.transfer_create(id="fund", debit=funding, credit=escrow, amount=amount, code="fund")
    return funding, escrow


def test_concurrent_holds_and_posts_on_one_account_never_overdraw():
    _, escrow = _funded_escrow(1_000)  # room for 10 of the 16 holds of 100

    def hold_and_post(i: int) -> None:
        supplier = ledger.account_ensure(kind=AccountKind.SUPPLIER_AVAILABLE, currency="USD", owner_ref=f"s{i % 4}")
        hold = ledger.transfer_create(
            id=f"hold:{i}", debit=escrow, credit=supplier, amount=100, code="hold", pending=True
        )
        ledger.transfer_post(id=f"post:{i}", pending_id=hold.id)

    outcomes = race(hold_and_post)
    assert outcomes["ok"] == 10 and outcomes["InsufficientFunds"] == RACERS - 10, outcomes
    escrow.refresh_from_db()
    assert (escrow.balance, escrow.debits_pending) == (0, 0)
    assert Transfer.objects.filter(kind="post").count() == 10
    assert_books_balance()


def test_concurrent_resolutions_of_one_pending_transfer_resolve_it_once():
    _, escrow = _funded_escrow(500)
    supplier = ledger.account_ensure(kind=AccountKind.SUPPLIER_AVAILABLE, currency="USD", owner_ref="s")
    ledger.transfer_create(id="hold", debit=escrow, credit=supplier, amount=500, code="hold", pending=True)

    def resolve(i: int) -> None:
        if i % 2:
            ledger.transfer_post(id=f"post:{i}", pending_id="hold", amount=100 + i)
        else:
            ledger.transfer_void(id=f"void:{i}", pending_id="hold")

    outcomes = race(resolve)
    assert outcomes == Counter({"ok": 1, "PendingAlreadyResolved": RACERS - 1}), outcomes
    assert Transfer.objects.filter(pending_id="hold").count() == 1
    assert_books_balance()


def test_the_same_transfer_from_many_connections_moves_money_once():
    funding, escrow = _funded_escrow(100)

    def fund_again(i: int) -> None:
        ledger.transfer_create(id="fund2", debit=funding, credit=escrow, amount=50, code="fund")

    assert race(fund_again) == Counter({"ok": RACERS})
    escrow.refresh_from_db()
    assert escrow.balance == 150
    assert_books_balance()
