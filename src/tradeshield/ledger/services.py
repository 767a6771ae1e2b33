"""Writes to the ledger. Callers own the transaction; every function here is safe inside one.

Transfer ids are chosen by the caller and are the idempotency key of the movement: creating the
same transfer twice returns the first one, so a retried step can never move money twice.

Each movement is one call of the `ledger_transfer()` database function (migration 0005): it finds
why a transfer would be refused before writing, so a refusal raises the domain error below and
leaves the caller's transaction usable, and it inserts through the same triggers and constraints
as any other writer.
"""

from __future__ import annotations

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
# the account if that transaction rolled back: `_transfer` then recreates the account and retries.
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


def _transfer(
    *,
    id: str,
    kind: TransferKind,
    debit: Account | None,
    credit: Account | None,
    amount: int | None,
    pending_id: str | None,
    expires_at: datetime | None,
    code: str,
    ref: str,
) -> Transfer:
    args = [
        id,
        kind.value,
        debit.id if debit else None,
        credit.id if credit else None,
        amount,
        debit.currency if debit else None,
        pending_id,
        expires_at,
        code,
        ref,
        timezone.now(),
    ]
    row = _call(args, id=id, pending_id=pending_id)
    if row[0] == "no_account" and debit is not None and credit is not None:
        # A cached account whose creating transaction rolled back: create it and try once more.
        for account in (debit, credit):
            _accounts.pop(account.id, None)
            _account_store(
                account_id=account.id, kind=account.kind, currency=account.currency, owner_ref=account.owner_ref
            )
        row = _call(args, id=id, pending_id=pending_id)
    outcome = row[0]
    if outcome not in ("created", "existing"):
        raise _refuse(outcome, id=id, pending_id=pending_id)
    return Transfer.from_db(connection.alias, list(_TRANSFER_FIELDS), [id, *row[1:]])


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
    check_amount(amount)
    return _transfer(
        id=id,
        kind=TransferKind.PENDING if pending else TransferKind.SINGLE,
        debit=debit,
        credit=credit,
        amount=amount,
        pending_id=None,
        expires_at=expires_at if pending else None,
        code=code,
        ref=ref,
    )


def _resolve(*, id: str, pending_id: str, kind: TransferKind, amount: int | None, code: str) -> Transfer:
    if amount is not None:
        check_amount(amount)
    return _transfer(
        id=id,
        kind=kind,
        debit=None,
        credit=None,
        amount=amount,
        pending_id=pending_id,
        expires_at=None,
        code=code,
        ref="",
    )


def transfer_post(*, id: str, pending_id: str, amount: int | None = None, code: str = "post") -> Transfer:
    """Post a pending transfer in full, or part of it; the rest goes back to the debit account."""
    return _resolve(id=id, pending_id=pending_id, kind=TransferKind.POST, amount=amount, code=code)


def transfer_void(*, id: str, pending_id: str, code: str = "void") -> Transfer:
    return _resolve(id=id, pending_id=pending_id, kind=TransferKind.VOID, amount=None, code=code)


def transfer_expire(*, id: str, pending_id: str, code: str = "expire") -> Transfer:
    return _resolve(id=id, pending_id=pending_id, kind=TransferKind.EXPIRE, amount=None, code=code)
