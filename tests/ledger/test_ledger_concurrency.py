"""Holds and posts on one account from many real connections at once: no overdraft, each pending
transfer resolved once, and the books balance."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction
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


def test_concurrent_batches_on_shared_guarded_accounts_never_overdraw_nor_deadlock():
    """Each connection's batch holds and releases 200 from escrow A and 100 from escrow B, half of them
    naming B first; A holds enough for five batches. A batch locks its guarded accounts in id order
    before it checks its elements, so no two batches deadlock, and each sees what the one before it left."""
    funding = ledger.account_ensure(kind=AccountKind.BUYER_FUNDING, currency="USD")
    a, b = (ledger.account_ensure(kind=AccountKind.ESCROW, currency="USD", owner_ref=o) for o in ("ord_a", "ord_b"))
    ledger.transfers_apply(
        [ledger.single(id=f"fund:{e.id}", debit=funding, credit=e, amount=1_000, code="fund") for e in (a, b)]
    )

    def hold_and_release(i: int, escrow: Account, supplier: Account, n: int) -> list[ledger.Movement]:
        hold = f"hold:{i}:{escrow.id}:{n}"
        return [
            ledger.pending(id=hold, debit=escrow, credit=supplier, amount=100, code="hold"),
            ledger.post(id=f"post:{i}:{escrow.id}:{n}", pending_id=hold),
        ]

    def batch(i: int) -> None:
        supplier = ledger.account_ensure(kind=AccountKind.SUPPLIER_AVAILABLE, currency="USD", owner_ref=f"s{i}")
        from_a = [*hold_and_release(i, a, supplier, 0), *hold_and_release(i, a, supplier, 1)]
        from_b = hold_and_release(i, b, supplier, 0)
        ledger.transfers_apply([*from_a, *from_b] if i % 2 else [*from_b, *from_a])

    outcomes = race(batch)
    assert outcomes == Counter({"ok": 5, "InsufficientFunds": RACERS - 5}), outcomes
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.balance, a.debits_pending, b.balance, b.debits_pending) == (0, 0, 500, 0)
    posted = Transfer.objects.filter(kind="post")
    assert sum(t.amount for t in posted if t.debit_account_id == a.id) == a.debits_posted == 1_000
    assert sum(t.amount for t in posted if t.debit_account_id == b.id) == b.debits_posted == 500
    assert Transfer.objects.filter(kind="pending").count() == 3 * 5
    assert_books_balance()


def test_the_same_transfer_from_many_connections_moves_money_once():
    funding, escrow = _funded_escrow(100)

    def fund_again(i: int) -> None:
        ledger.transfer_create(id="fund2", debit=funding, credit=escrow, amount=50, code="fund")

    assert race(fund_again) == Counter({"ok": RACERS})
    escrow.refresh_from_db()
    assert escrow.balance == 150
    assert_books_balance()


def test_the_same_batch_from_many_connections_moves_money_once():
    """Between unguarded accounts nothing is locked before the INSERT, so the racers meet at the ids:
    each waits for the first, skips its rows, and looks again."""
    funding = ledger.account_ensure(kind=AccountKind.BUYER_FUNDING, currency="USD")
    fees = ledger.account_ensure(kind=AccountKind.PROCESSOR_FEES, currency="USD")

    def fees_again(i: int) -> None:
        transfers = ledger.transfers_apply(
            [ledger.single(id=f"fee:{n}", debit=funding, credit=fees, amount=10 + n, code="fee") for n in range(3)]
        )
        assert [t.amount for t in transfers] == [10, 11, 12]

    assert race(fees_again) == Counter({"ok": RACERS})
    assert Transfer.objects.filter(id__startswith="fee:").count() == 3
    assert Account.objects.get(id=fees.id).balance == 33
    assert_books_balance()


def _while_another_transaction_moves(first: Callable[[], None], second: Callable[[], None]) -> str:
    """Run `second` on its own connection, with a 1 s lock timeout, while `first` is done but not
    committed on another; return how `second` ended."""
    moved, finished = threading.Event(), threading.Event()
    outcome: list[str] = []

    def hold_open() -> None:
        try:
            with transaction.atomic():
                first()
                moved.set()
                finished.wait(timeout=10)
        finally:
            connection.close()

    def run_second() -> None:
        try:
            moved.wait(timeout=10)
            try:
                with transaction.atomic():
                    with connection.cursor() as cur:
                        cur.execute("SET LOCAL lock_timeout = '1s'")
                    second()
                outcome.append("ok")
            except Exception as exc:  # the outcome is what the test asserts on
                outcome.append(type(exc).__name__)
        finally:
            finished.set()
            connection.close()

    threads = [threading.Thread(target=hold_open), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome[0]


def test_payments_do_not_queue_on_shared_platform_accounts():
    """`buyer_funding` and `processor_fees` are in every payment of a currency but unguarded: they keep
    no running totals, so one payment does not wait for another's commit. A guarded account still does."""
    funding = ledger.account_ensure(kind=AccountKind.BUYER_FUNDING, currency="USD")
    fees = ledger.account_ensure(kind=AccountKind.PROCESSOR_FEES, currency="USD")
    escrows = [ledger.account_ensure(kind=AccountKind.ESCROW, currency="USD", owner_ref=f"o{i}") for i in range(3)]

    def pay(n: int) -> Callable[[], None]:
        def run() -> None:
            ledger.transfer_create(id=f"fund:{n}", debit=funding, credit=escrows[n], amount=1_000, code="fund")
            ledger.transfer_create(id=f"fee:{n}", debit=funding, credit=fees, amount=30, code="fee")

        return run

    assert _while_another_transaction_moves(pay(0), pay(1)) == "ok"

    def into_escrow_0(n: int) -> Callable[[], None]:
        return lambda: ledger.transfer_create(id=f"more:{n}", debit=funding, credit=escrows[0], amount=5, code="c")

    # escrow:o0 is guarded: its exact totals are kept under its row lock (a lock timeout is not a
    # refusal: it reaches the caller as the database error it is).
    assert _while_another_transaction_moves(into_escrow_0(1), into_escrow_0(2)) == "OperationalError"
    assert Account.objects.get(id=funding.id).balance == -(2_000 + 60 + 5)
    assert Account.objects.get(id=fees.id).balance == 60
    assert_books_balance()


def test_an_account_cannot_change_between_guarded_and_unguarded():
    funding, escrow = _funded_escrow(100)
    for account in (funding, escrow):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute("UPDATE ledger_account SET guarded = NOT guarded WHERE id = %s", [account.id])
    assert Account.objects.get(id=funding.id).totals() == (0, 100, 0, 0)
    assert (Account.objects.get(id=funding.id).debits_posted, Account.objects.get(id=escrow.id).balance) == (0, 100)
    assert_books_balance()
