"""`transfers_apply` / `ledger_transfers()` (migrations 0007, 0011): many movements in one statement, all or
none, with the outcome of the same movements made one by one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, event, given, settings, target
from hypothesis import strategies as st
from tests.helpers import assert_books_balance, balance, ledger_snapshot

from tradeshield.kit.errors import DomainError
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


REFUSALS = [
    (lambda e, s: ledger.single(id="big", debit=e, credit=s, amount=10_000, code="c"), InsufficientFunds),
    (lambda e, s: ledger.single(id="fund", debit=e, credit=s, amount=5, code="c"), TransferIdReused),
    (lambda e, s: ledger.post(id="p", pending_id="nope"), TransferRejected),
    (lambda e, s: ledger.post(id="p", pending_id="r0"), TransferRejected),  # r0 is not a pending transfer
    (lambda e, s: ledger.void(id="v", pending_id="h0"), PendingAlreadyResolved),  # r0 resolved it already
]


@pytest.mark.parametrize(("bad", "error"), REFUSALS)
def test_one_refused_movement_keeps_none_of_the_batch_and_the_transaction_goes_on(accounts, bad, error):
    _, escrow, supplier = accounts
    before, count = ledger_snapshot(), Transfer.objects.count()
    with pytest.raises(error):
        ledger.transfers_apply([*pairs(escrow, supplier, 2), bad(escrow, supplier)])
    assert ledger_snapshot() == before and Transfer.objects.count() == count
    ledger.transfers_apply(pairs(escrow, supplier, 1))  # no savepoint needed: the transaction is usable
    assert balance(supplier.id) == 100
    assert_books_balance()


@pytest.mark.parametrize("greedy", [None, "s1", "s2", "s3"])
def test_each_movement_is_checked_against_what_the_earlier_ones_left(accounts, greedy):
    """Escrow holds 1,000; each spend fits only thanks to the movements before it, and one unit more
    (`greedy`) refuses the batch."""
    funding, escrow, supplier = accounts

    def spend(id: str, debit: Account, credit: Account, amount: int) -> ledger.Movement:
        return ledger.single(id=id, debit=debit, credit=credit, amount=amount + (id == greedy), code="pay")

    batch = [
        ledger.pending(id="h1", debit=escrow, credit=supplier, amount=1_000, code="hold"),
        ledger.post(id="p1", pending_id="h1", amount=400),  # 600 back to escrow
        spend("s1", escrow, supplier, 600),
        ledger.pending(id="h2", debit=supplier, credit=escrow, amount=1_000, code="hold"),
        ledger.void(id="v2", pending_id="h2"),  # 1,000 back to the supplier
        spend("s2", supplier, escrow, 1_000),
        ledger.pending(id="h3", debit=escrow, credit=supplier, amount=1_000, code="hold"),
        ledger.expire(id="e3", pending_id="h3"),  # 1,000 back to escrow
        spend("s3", escrow, funding, 1_000),
    ]
    if greedy:
        before = ledger_snapshot()
        with pytest.raises(InsufficientFunds):
            ledger.transfers_apply(batch)
        assert ledger_snapshot() == before
        return
    ledger.transfers_apply(batch)
    escrow.refresh_from_db()
    supplier.refresh_from_db()
    assert (escrow.balance, escrow.debits_pending, supplier.balance, supplier.debits_pending) == (0, 0, 0, 0)
    assert_books_balance()


@pytest.mark.parametrize(
    ("again", "error"),
    [
        (lambda e, s: ledger.single(id="s", debit=e, credit=s, amount=100, code="again"), None),
        (lambda e, s: ledger.pending(id="s", debit=e, credit=s, amount=100, code="c"), TransferIdReused),
        (lambda e, s: ledger.post(id="p1", pending_id="h1", code="again"), None),
        (lambda e, s: ledger.post(id="p1", pending_id="h2"), TransferIdReused),  # same accounts and amount
        (lambda e, s: ledger.void(id="p1", pending_id="h1"), TransferIdReused),
        (lambda e, s: ledger.single(id="h2", debit=e, credit=s, amount=100, code="c"), TransferIdReused),
    ],
)
def test_an_id_used_earlier_in_the_batch_is_the_same_transfer_again_or_refused(accounts, again, error):
    _, escrow, supplier = accounts
    batch = [
        ledger.single(id="s", debit=escrow, credit=supplier, amount=100, code="c"),
        ledger.pending(id="h1", debit=escrow, credit=supplier, amount=100, code="c"),
        ledger.pending(id="h2", debit=escrow, credit=supplier, amount=100, code="c"),
        ledger.post(id="p1", pending_id="h1"),
        again(escrow, supplier),
    ]
    if error:
        with pytest.raises(error):
            ledger.transfers_apply(batch)
        assert not Transfer.objects.filter(id__in=["s", "h1", "h2", "p1"]).exists()
        return
    transfers = ledger.transfers_apply(batch)
    first = next(t for t in transfers if t.id == transfers[-1].id)
    assert _made([transfers[-1]]) == _made([first])  # the first one again, with its code
    assert Transfer.objects.filter(id__in=["s", "h1", "h2", "p1"]).count() == 4
    assert balance(escrow.id) == 1_000 - 200 and balance(supplier.id) == 200


@pytest.mark.parametrize(("bad", "error"), REFUSALS)
def test_a_batch_of_one_refused_movement_raises_its_refusal(accounts, bad, error):
    """A refused batch answers one row, and so does a batch of one movement: the row's outcome tells."""
    _, escrow, supplier = accounts
    ledger.transfers_apply(pairs(escrow, supplier, 1))
    before, count = ledger_snapshot(), Transfer.objects.count()
    with pytest.raises(error):
        ledger.transfers_apply([bad(escrow, supplier)])
    assert ledger_snapshot() == before and Transfer.objects.count() == count


def _account_row_updates() -> int:
    """Updates of ledger_account rows counted for this transaction; only the difference between two
    readings is meaningful (PostgreSQL 15 also counts earlier transactions' updates not yet reported)."""
    with connection.cursor() as cur:
        cur.execute("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'ledger_account'")
        row = cur.fetchone()
    return int(row[0]) if row else 0


def test_a_batch_updates_each_account_row_once(accounts):
    """Ten holds and releases between the same two guarded accounts: one update of each row, where a
    trigger per transfer made forty."""
    _, escrow, supplier = accounts
    before = _account_row_updates()
    ledger.transfers_apply(pairs(escrow, supplier, 10, amount=50))
    assert _account_row_updates() - before == 2
    ledger.transfer_create(id="one", debit=escrow, credit=supplier, amount=5, code="c")
    assert _account_row_updates() - before == 4  # a single movement updates its two accounts once each
    escrow.refresh_from_db()
    assert (escrow.balance, escrow.debits_pending, balance(supplier.id)) == (495, 0, 505)
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


# The property: a batch does what its movements do one by one. Movements over a guarded escrow (300
# available), a guarded supplier account (empty), unguarded funding and an escrow in another currency,
# with amounts that often overdraw. In a messy batch some ids repeat an earlier movement's or a stored
# transfer's, and resolutions may name a stored pending transfer, one already resolved, a transfer
# that is not pending, or none; a tidy batch has new ids, resolves its own pending transfers and
# names two accounts of one currency, so that it goes on longer before any refusal.
EXPIRY = datetime(2031, 1, 1, tzinfo=UTC)
AMOUNTS = [100, 200, 300, 400]
POST_AMOUNTS = [None, 100, 100, 250]
# (debit, credit), indexes into the world's accounts.
TIDY_PAIRS = [(1, 2), (1, 2), (0, 1), (2, 1), (1, 0), (2, 0)]
MESSY_PAIRS = [*TIDY_PAIRS, (1, 3), (1, 1)]


@st.composite
def batches(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    """Movements as (kind, id choice, pick, ...): see `_movements`."""
    tidy = draw(st.booleans())
    ids = st.sampled_from(["own"] if tidy else ["own"] * 5 + ["earlier", "earlier", "old-fund", "old-hold"])
    pendings = st.sampled_from(
        ["earlier"] if tidy else ["earlier"] * 4 + ["any earlier", "old-hold", "old-voided", "old-fund", "nope"]
    )
    moving = st.tuples(
        st.sampled_from(["single", "pending"]),
        ids,
        st.integers(0, 20),
        st.sampled_from(TIDY_PAIRS if tidy else MESSY_PAIRS),
        st.sampled_from(AMOUNTS),
    )
    resolving = st.tuples(
        st.sampled_from(["post", "post", "void", "expire"]),
        ids,
        st.integers(0, 20),
        pendings,
        st.sampled_from(POST_AMOUNTS),
    )
    return draw(st.lists(st.one_of(moving, resolving), min_size=1, max_size=12))


@pytest.fixture
def world() -> list[Account]:
    funding = ledger.account_ensure(kind=AccountKind.BUYER_FUNDING, currency="USD")
    escrow = ledger.account_ensure(kind=AccountKind.ESCROW, currency="USD", owner_ref="ord_w")
    supplier = ledger.account_ensure(kind=AccountKind.SUPPLIER_AVAILABLE, currency="USD", owner_ref="org_w")
    escrow_eur = ledger.account_ensure(kind=AccountKind.ESCROW, currency="EUR", owner_ref="ord_w")
    ledger.transfer_create(id="old-fund", debit=funding, credit=escrow, amount=500, code="fund")
    ledger.transfer_create(id="old-hold", debit=escrow, credit=supplier, amount=200, code="hold", pending=True)
    ledger.transfer_create(id="old-voided", debit=escrow, credit=supplier, amount=50, code="hold", pending=True)
    ledger.transfer_void(id="old-void", pending_id="old-voided")
    return [funding, escrow, supplier, escrow_eur]


def _movements(ops: list[tuple[Any, ...]], accounts: list[Account]) -> list[ledger.Movement]:
    """An id choice is "own" (new), "earlier" (the id of an earlier movement, by `pick`) or a stored id; a
    resolution's pending choice is "earlier" (by `pick`, an earlier pending movement that no earlier
    movement resolves if there is one, else any, else the stored pending transfer), "any earlier"
    (any earlier movement's id) or a stored id."""
    movements: list[ledger.Movement] = []
    for index, (kind, id_choice, pick, *rest) in enumerate(ops):
        earlier = [m.id for m in movements]
        some_earlier = earlier[pick % len(earlier)] if earlier else f"m{index}"
        id = {"own": f"m{index}", "earlier": some_earlier}.get(id_choice, id_choice)
        if kind in ("single", "pending"):
            (debit, credit), amount = (accounts[i] for i in rest[0]), rest[1]
            build = ledger.single if kind == "single" else partial(ledger.pending, expires_at=EXPIRY)
            movements.append(build(id=id, debit=debit, credit=credit, amount=amount, code=kind, ref=f"ref-{id}"))
            continue
        pendings = [m.id for m in movements if m.kind == "pending"]
        named = {m.pending_id for m in movements}
        pendings = [p for p in pendings if p not in named] or pendings or ["old-hold"]
        pending_id = {"earlier": pendings[pick % len(pendings)], "any earlier": some_earlier}.get(rest[0], rest[0])
        if kind == "post":
            movements.append(ledger.post(id=id, pending_id=pending_id, amount=rest[1]))
        else:
            movements.append((ledger.void if kind == "void" else ledger.expire)(id=id, pending_id=pending_id))
    return movements


def _one(movement: ledger.Movement) -> Transfer:
    """The movement through the single-movement function a caller would use for it."""
    if movement.kind in ("single", "pending"):
        assert movement.debit and movement.credit and movement.amount
        return ledger.transfer_create(
            id=movement.id,
            debit=movement.debit,
            credit=movement.credit,
            amount=movement.amount,
            code=movement.code,
            ref=movement.ref,
            pending=movement.kind == "pending",
            expires_at=movement.expires_at,
        )
    assert movement.pending_id
    if movement.kind == "post":
        return ledger.transfer_post(id=movement.id, pending_id=movement.pending_id, amount=movement.amount)
    if movement.kind == "void":
        return ledger.transfer_void(id=movement.id, pending_id=movement.pending_id)
    return ledger.transfer_expire(id=movement.id, pending_id=movement.pending_id)


def _one_by_one(movements: list[ledger.Movement]) -> tuple[list[Transfer], DomainError | None]:
    """The movements one at a time, up to the first refusal: what was made, and that refusal."""
    made = []
    for movement in movements:
        try:
            made.append(_one(movement))
        except DomainError as refusal:
            return made, refusal
    return made, None


# What a transfer stores, but its time (each call's own).
_STORED_FIELDS = [f.attname for f in Transfer._meta.concrete_fields if f.name != "created_at"]


def _made(transfers: list[Transfer]) -> list[tuple[Any, ...]]:
    return [tuple(getattr(t, f) for f in _STORED_FIELDS) for t in transfers]


def _ledger() -> tuple[list[tuple[Any, ...]], dict[str, tuple[int, int, int, int]]]:
    return list(Transfer.objects.order_by("id").values_list(*_STORED_FIELDS)), ledger_snapshot()


def _undone(run: Callable[[], Any]) -> tuple[Any, Any]:
    """What `run()` returns (or the domain error it raises) and the ledger it leaves, in a savepoint
    rolled back afterwards."""
    with transaction.atomic():
        try:
            result = run()
        except DomainError as refusal:
            result = refusal
        after = _ledger()
        transaction.set_rollback(True)
    return result, after


def _same_refusal(first: object, second: object) -> bool:
    return isinstance(first, DomainError) and (type(first), str(first)) == (type(second), str(second))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches())
def test_a_batch_does_what_its_movements_do_one_by_one(world, ops):
    movements = _movements(ops, world)
    untouched = _ledger()
    (made, refusal), after_one_by_one = _undone(lambda: _one_by_one(movements))
    event(f"{type(refusal).__name__ if refusal else 'accepted'} after {min(len(made), 5)}+ movements")
    target(float(len(made)), label="movements made before a refusal")
    batch, after_batch = _undone(lambda: ledger.transfers_apply(movements))
    if refusal is None:
        assert _made(batch) == _made(made)
        assert after_batch == after_one_by_one
        return
    # The same refusal, and nothing kept ...
    assert _same_refusal(batch, refusal), (batch, refusal)
    assert after_batch == untouched
    # ... at the same movement: the batch up to it is accepted as one by one, the batch with it is not.
    refused_at = len(made)
    before, after_before = _undone(lambda: ledger.transfers_apply(movements[:refused_at]))
    assert _made(before) == _made(made) and after_before == after_one_by_one
    with_it, _ = _undone(lambda: ledger.transfers_apply(movements[: refused_at + 1]))
    assert _same_refusal(with_it, refusal), (with_it, refusal)
