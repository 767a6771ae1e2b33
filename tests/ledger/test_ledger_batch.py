"""`transfers_apply` / `ledger_transfers()` (migration 0007): many movements in one statement, all or none."""

from __future__ import annotations

import pytest
from django.db import transaction
from tests.helpers import assert_books_balance, balance, ledger_snapshot

from tradeshield.ledger import services as ledger
from tradeshield.ledger.errors import InsufficientFunds, PendingAlreadyResolved, TransferIdReused, TransferRejected
from tradeshield.ledger.models import Account, AccountKind, Transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts() -> tuple[Account, Account, Account]:
    funding = ledger.account_ensure(kind=AccountKind.BUYER_FUNDING, currency="USD")
    escrow = ledger.account_ensure(kind=AccountKind.ESCROW, currency="USD", owner_ref="ord_b")
    supplier = ledger.account_ensure(kind=AccountKind.SUPPLIER_AVAILABLE, currency="USD", owner_ref="org_b")
    ledger.transfer_create(id="fund", debit=funding, credit=escrow, amount=1_000, code="fund")
    return funding, escrow, supplier


def pairs(escrow: Account, supplier: Account, n: int, amount: int = 100) -> list[ledger.Movement]:
    """n holds, each released in the same batch (the benchmark's shape)."""
    movements = []
    for i in range(n):
        movements.append(ledger.pending(id=f"h{i}", debit=escrow, credit=supplier, amount=amount, code="hold"))
        movements.append(ledger.post(id=f"r{i}", pending_id=f"h{i}", code="release"))
    return movements


def test_a_batch_moves_money_in_one_statement_and_resolves_its_own_pending_transfers(
    accounts, django_assert_num_queries
):
    _, escrow, supplier = accounts
    with django_assert_num_queries(1):
        transfers = ledger.transfers_apply(pairs(escrow, supplier, 3))
    assert [t.id for t in transfers] == ["h0", "r0", "h1", "r1", "h2", "r2"]
    release = transfers[1]
    # a resolution takes its accounts and amount from the pending transfer
    assert (release.kind, release.debit_account_id, release.credit_account_id, release.amount) == (
        "post",
        escrow.id,
        supplier.id,
        100,
    )
    assert balance(escrow.id) == 700 and balance(supplier.id) == 300
    assert_books_balance()


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        (lambda e, s: ledger.single(id="big", debit=e, credit=s, amount=10_000, code="c"), InsufficientFunds),
        (lambda e, s: ledger.single(id="fund", debit=e, credit=s, amount=5, code="c"), TransferIdReused),
        (lambda e, s: ledger.post(id="p", pending_id="nope"), TransferRejected),
        (lambda e, s: ledger.void(id="v", pending_id="h0"), PendingAlreadyResolved),  # r0 resolved it already
    ],
)
def test_one_refused_movement_keeps_none_of_the_batch_and_the_transaction_goes_on(accounts, bad, error):
    _, escrow, supplier = accounts
    before, count = ledger_snapshot(), Transfer.objects.count()
    with pytest.raises(error):
        ledger.transfers_apply([*pairs(escrow, supplier, 2), bad(escrow, supplier)])
    assert ledger_snapshot() == before and Transfer.objects.count() == count
    ledger.transfers_apply(pairs(escrow, supplier, 1))  # no savepoint needed: the transaction is usable
    assert balance(supplier.id) == 100
    assert_books_balance()


def test_a_retried_batch_returns_the_first_transfers_and_moves_nothing_again(accounts):
    _, escrow, supplier = accounts
    first = ledger.transfers_apply(pairs(escrow, supplier, 2, amount=250))
    after = ledger_snapshot()
    again = ledger.transfers_apply(pairs(escrow, supplier, 2, amount=250))
    assert [(t.id, t.amount, t.created_at) for t in again] == [(t.id, t.amount, t.created_at) for t in first]
    assert ledger_snapshot() == after and balance(supplier.id) == 500
    with pytest.raises(TransferIdReused):  # the same ids for other amounts are not a retry
        ledger.transfers_apply(pairs(escrow, supplier, 2, amount=251))


def test_a_batch_recreates_a_cached_account_whose_creation_rolled_back(accounts):
    funding, _, _ = accounts
    with transaction.atomic():
        gone = ledger.account_ensure(kind=AccountKind.ESCROW, currency="USD", owner_ref="gone")
        transaction.set_rollback(True)
    again = ledger.account_ensure(kind=AccountKind.ESCROW, currency="USD", owner_ref="gone")  # from the cache
    ledger.transfers_apply([ledger.single(id="g1", debit=funding, credit=again, amount=7, code="fund")])
    assert Account.objects.get(id=gone.id).balance == 7
    assert ledger.transfers_apply([]) == []
    assert_books_balance()
