"""Writes to the ledger. Callers own the transaction; every function here is safe inside one.

Transfer ids are chosen by the caller and are the idempotency key of the movement: creating the
same transfer twice returns the first one, so a retried step can never move money twice.

Each movement is one call of the `ledger_transfer()` database function (migration 0005): it finds
why a transfer would be refused before writing, so a refusal raises the domain error below and
leaves the caller's transaction usable, and it inserts through the same triggers and constraints
as any other writer. `transfers_apply` sends several movements in one call of `ledger_transfers()`
(migrations 0007 and 0011), all or none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from django.db import IntegrityError, connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.utils import timezone

from tradeshield.kit.money import check_amount, check_currency
from tradeshield.ledger.errors import (
    InsufficientFunds,
    PendingAlreadyResolved,
    TransferIdReused,
    TransferRejected,
)
from tradeshield.ledger.models import GUARDED_KINDS, Account, AccountKind, Transfer, TransferKind

# An account's id, kind, currency, owner and guard never change after it is created (its totals are
# not cached), so each process looks it up once. An entry may outlive the transaction that created
# the account if that transaction rolled back: `_apply` and `transfers_apply` then recreate it and retry.
_ACCOUNT_FIELDS = ("id", "kind", "currency", "owner_ref", "guarded", "created_at")
_accounts: dict[str, tuple[Any, ...]] = {}

_TRANSFER_FIELDS = (
    "id",
    "kind",
    "debit_account_id",
    "credit_account_id",
    "amount",
    "currency",
    "pending_id",
    "expires_at",
    "code",
    "ref",
    "created_at",
)


def account_id_for(kind: str, currency: str, owner_ref: str = "") -> str:
    return f"{kind}:{owner_ref}:{currency}" if owner_ref else f"{kind}:{currency}"


def account_cache_clear() -> None:
    """Forget cached accounts (tests that empty the tables between them call this)."""
    _accounts.clear()


def _account_store(*, account_id: str, kind: str, currency: str, owner_ref: str) -> tuple[Any, ...]:
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO ledger_account (id, kind, currency, owner_ref, guarded, debits_pending, debits_posted,"
            " credits_pending, credits_posted, created_at) VALUES (%s, %s, %s, %s, %s, 0, 0, 0, 0, %s)"
            " ON CONFLICT (id) DO NOTHING RETURNING id, kind, currency, owner_ref, guarded, created_at",
            [account_id, kind, currency, owner_ref, kind in GUARDED_KINDS, timezone.now()],
        )
        row = cur.fetchone()
        if row is None:
            cur.execute(
                "SELECT id, kind, currency, owner_ref, guarded, created_at FROM ledger_account WHERE id = %s",
                [account_id],
            )
            row = cur.fetchone()
    assert row is not None
    _accounts[account_id] = tuple(row)
    return _accounts[account_id]


def account_ensure(*, kind: AccountKind, currency: str, owner_ref: str = "") -> Account:
    """The account, created if missing. Its totals are read from the database when first used."""
    check_currency(currency)
    account_id = account_id_for(kind, currency, owner_ref)
    fields = _accounts.get(account_id) or _account_store(
        account_id=account_id, kind=kind, currency=currency, owner_ref=owner_ref
    )
    return Account.from_db(connection.alias, list(_ACCOUNT_FIELDS), list(fields))


def _refuse(outcome: str, *, id: str, pending_id: str | None) -> Exception:
    if outcome == "id_reused":
        return TransferIdReused(f"Transfer id {id} was already used for a different movement.")
    if outcome == "already_resolved":
        return PendingAlreadyResolved(f"Pending transfer {pending_id} is already resolved.")
    if outcome == "insufficient_funds":
        return InsufficientFunds("The account does not hold enough funds for this transfer.")
    if outcome == "no_pending":
        return TransferRejected(f"No pending transfer {pending_id}.")
    return TransferRejected(f"The ledger refused transfer {id} ({outcome}).")


def _explain_refusal(exc: IntegrityError, *, id: str, pending_id: str | None) -> Exception:
    """A refusal raised by the constraints themselves: only under a race the pre-checks could not see
    (the transaction is then aborted, as after any serialization failure)."""
    diag = getattr(exc.__cause__, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or ""
    if constraint == "ledger_account_guarded_no_overdraft":
        return InsufficientFunds("The account does not hold enough funds for this transfer.")
    if getattr(diag, "sqlstate", None) == "23505" and pending_id:
        return PendingAlreadyResolved(f"Pending transfer {pending_id} is already resolved.")
    return TransferRejected(f"The ledger refused transfer {id} ({constraint or exc}).")


_CALL = (
    "SELECT * FROM ledger_transfer(%s::text, %s::text, %s::text, %s::text, %s::bigint, %s::text, %s::text,"
    " %s::timestamptz, %s::text, %s::text, %s::timestamptz)"
)


def _server_bound_cursor() -> CursorWrapper:
    """A cursor that sends the parameters apart from the statement, unlike Django's default client-side
    binding: psycopg then prepares the statement on the connection after a few calls, so PostgreSQL
    stops parsing and planning it. Wrapped like Django's own cursors (errors, query logging)."""
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = psycopg.Cursor(connection.connection)
    return CursorDebugWrapper(raw, connection) if connection.queries_logged else CursorWrapper(raw, connection)


def _call(args: list[Any], *, id: str, pending_id: str | None) -> tuple[Any, ...]:
    with _server_bound_cursor() as cur:
        try:
            cur.execute(_CALL, args)
        except IntegrityError as exc:
            raise _explain_refusal(exc, id=id, pending_id=pending_id) from exc
        row = cur.fetchone()
    assert row is not None
    return tuple(row)


@dataclass(frozen=True)
class Movement:
    """One movement of a batch for `transfers_apply`; build it with `pending`, `single`, `post`, `void`,
    `expire`."""

    id: str
    kind: TransferKind
    code: str
    debit: Account | None = None
    credit: Account | None = None
    amount: int | None = None
    pending_id: str | None = None
    expires_at: datetime | None = None
    ref: str = ""

    def args(self) -> list[Any]:
        """The movement as the database functions take it, in their parameter order (without the time)."""
        return [
            self.id,
            self.kind.value,
            self.debit.id if self.debit else None,
            self.credit.id if self.credit else None,
            self.amount,
            self.debit.currency if self.debit else None,
            self.pending_id,
            self.expires_at,
            self.code,
            self.ref,
        ]


def single(*, id: str, debit: Account, credit: Account, amount: int, code: str, ref: str = "") -> Movement:
    check_amount(amount)
    return Movement(id=id, kind=TransferKind.SINGLE, code=code, debit=debit, credit=credit, amount=amount, ref=ref)


def pending(
    *,
    id: str,
    debit: Account,
    credit: Account,
    amount: int,
    code: str,
    ref: str = "",
    expires_at: datetime | None = None,
) -> Movement:
    check_amount(amount)
    return Movement(
        id=id,
        kind=TransferKind.PENDING,
        code=code,
        debit=debit,
        credit=credit,
        amount=amount,
        ref=ref,
        expires_at=expires_at,
    )


_pending = pending  # `transfer_create` takes a flag of this name


def post(*, id: str, pending_id: str, amount: int | None = None, code: str = "post") -> Movement:
    if amount is not None:
        check_amount(amount)
    return Movement(id=id, kind=TransferKind.POST, code=code, pending_id=pending_id, amount=amount)


def void(*, id: str, pending_id: str, code: str = "void") -> Movement:
    return Movement(id=id, kind=TransferKind.VOID, code=code, pending_id=pending_id)


def expire(*, id: str, pending_id: str, code: str = "expire") -> Movement:
    return Movement(id=id, kind=TransferKind.EXPIRE, code=code, pending_id=pending_id)


def _restore_accounts(movement: Movement) -> None:
    """A cached account whose creating transaction rolled back: create it again."""
    for account in (movement.debit, movement.credit):
        if account is not None:
            _accounts.pop(account.id, None)
            _account_store(
                account_id=account.id, kind=account.kind, currency=account.currency, owner_ref=account.owner_ref
            )


def _apply(movement: Movement) -> Transfer:
    args = [*movement.args(), timezone.now()]
    row = _call(args, id=movement.id, pending_id=movement.pending_id)
    if row[0] == "no_account" and movement.debit is not None and movement.credit is not None:
        _restore_accounts(movement)
        row = _call(args, id=movement.id, pending_id=movement.pending_id)
    outcome = row[0]
    if outcome not in ("created", "existing"):
        raise _refuse(outcome, id=movement.id, pending_id=movement.pending_id)
    return Transfer.from_db(connection.alias, list(_TRANSFER_FIELDS), [movement.id, *row[1:]])


_BATCH_CALL = (
    "SELECT * FROM ledger_transfers(%s::text[], %s::text[], %s::text[], %s::text[], %s::bigint[], %s::text[],"
    " %s::text[], %s::timestamptz[], %s::text[], %s::text[], %s::timestamptz)"
)


def _call_batch(movements: Sequence[Movement], now: datetime) -> list[tuple[Any, ...]]:
    columns = [list(column) for column in zip(*(m.args() for m in movements), strict=True)]
    with _server_bound_cursor() as cur:
        try:
            cur.execute(_BATCH_CALL, [*columns, now])
        except IntegrityError as exc:
            raise _explain_refusal(exc, id=movements[0].id, pending_id=None) from exc
        return [tuple(row) for row in cur.fetchall()]


def transfers_apply(movements: Sequence[Movement]) -> list[Transfer]:
    """Apply movements in order in one round trip, all or none (TigerBeetle's linked events).

    A movement may resolve a pending transfer made earlier in the same batch. If one is refused,
    none is kept and its refusal is raised; the caller's transaction stays usable. Retrying the
    same batch returns the same transfers, like a single retried movement.
    """
    if not movements:
        return []
    now = timezone.now()
    rows = _call_batch(movements, now)
    if rows[0][1] == "no_account":
        for movement in movements:  # not only the refused one: a later one may name another such account
            _restore_accounts(movement)
        rows = _call_batch(movements, now)
    # A refused batch is one row: the refused element's position and outcome (a batch of one movement
    # is one row either way).
    position, outcome = rows[0][0], rows[0][1]
    if outcome not in ("created", "existing"):
        refused = movements[position - 1]
        raise _refuse(outcome, id=refused.id, pending_id=refused.pending_id)
    return [
        Transfer.from_db(connection.alias, list(_TRANSFER_FIELDS), [m.id, *row[2:]])
        for m, row in zip(movements, rows, strict=True)
    ]


def transfer_create(
    *,
    id: str,
    debit: Account,
    credit: Account,
    amount: int,
    code: str,
    ref: str = "",
    pending: bool = False,
    expires_at: datetime | None = None,
) -> Transfer:
    if pending:
        return _apply(
            _pending(id=id, debit=debit, credit=credit, amount=amount, code=code, ref=ref, expires_at=expires_at)
        )
    return _apply(single(id=id, debit=debit, credit=credit, amount=amount, code=code, ref=ref))


def transfer_post(*, id: str, pending_id: str, amount: int | None = None, code: str = "post") -> Transfer:
    """Post a pending transfer in full, or part of it; the rest goes back to the debit account."""
    return _apply(post(id=id, pending_id=pending_id, amount=amount, code=code))


def transfer_void(*, id: str, pending_id: str, code: str = "void") -> Transfer:
    return _apply(void(id=id, pending_id=pending_id, code=code))


def transfer_expire(*, id: str, pending_id: str, code: str = "expire") -> Transfer:
    return _apply(expire(id=id, pending_id=pending_id, code=code))
