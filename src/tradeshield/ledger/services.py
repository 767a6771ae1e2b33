"""Writes to the ledger. Callers own the transaction; every function here is safe inside one.

Transfer ids are chosen by the caller and are the idempotency key of the movement: creating the
same transfer twice returns the first one, so a retried step can never move money twice.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from tradeshield.kit.money import check_amount, check_currency
from tradeshield.ledger.errors import (
    InsufficientFunds,
    PendingAlreadyResolved,
    TransferIdReused,
    TransferRejected,
)
from tradeshield.ledger.models import GUARDED_KINDS, Account, AccountKind, Transfer, TransferKind


def account_id_for(kind: str, currency: str, owner_ref: str = "") -> str:
    return f"{kind}:{owner_ref}:{currency}" if owner_ref else f"{kind}:{currency}"


def account_ensure(*, kind: AccountKind, currency: str, owner_ref: str = "") -> Account:
    check_currency(currency)
    account_id = account_id_for(kind, currency, owner_ref)
    account, _ = Account.objects.get_or_create(
        id=account_id,
        defaults={"kind": kind, "currency": currency, "owner_ref": owner_ref, "guarded": kind in GUARDED_KINDS},
    )
    return account


def _insert(transfer: Transfer) -> Transfer:
    try:
        with transaction.atomic():
            transfer.save(force_insert=True)
    except IntegrityError as exc:
        return _explain_refusal(transfer, exc)
    return transfer


def _explain_refusal(transfer: Transfer, exc: IntegrityError) -> Transfer:
    constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or ""
    existing = Transfer.objects.filter(id=transfer.id).first()
    if existing is not None:
        if _same_transfer(existing, transfer):
            return existing
        raise TransferIdReused(f"Transfer id {transfer.id} was already used for a different movement.")
    if constraint == "ledger_account_guarded_no_overdraft":
        raise InsufficientFunds("The account does not hold enough funds for this transfer.") from exc
    if transfer.pending_id and Transfer.objects.filter(pending_id=transfer.pending_id).exists():
        raise PendingAlreadyResolved(f"Pending transfer {transfer.pending_id} is already resolved.") from exc
    raise TransferRejected(f"The ledger refused transfer {transfer.id} ({constraint or exc}).") from exc


def _same_transfer(a: Transfer, b: Transfer) -> bool:
    return (a.kind, a.debit_account_id, a.credit_account_id, a.amount, a.currency, a.pending_id) == (
        b.kind,
        b.debit_account_id,
        b.credit_account_id,
        b.amount,
        b.currency,
        b.pending_id,
    )


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
    return _insert(
        Transfer(
            id=id,
            kind=TransferKind.PENDING if pending else TransferKind.SINGLE,
            debit_account=debit,
            credit_account=credit,
            amount=amount,
            currency=debit.currency,
            expires_at=expires_at if pending else None,
            code=code,
            ref=ref,
        )
    )


def _resolve(*, id: str, pending_id: str, kind: TransferKind, amount: int | None, code: str) -> Transfer:
    pending = Transfer.objects.filter(id=pending_id, kind=TransferKind.PENDING).first()
    if pending is None:
        raise TransferRejected(f"No pending transfer {pending_id}.")
    if amount is not None:
        check_amount(amount)
    return _insert(
        Transfer(
            id=id,
            kind=kind,
            debit_account_id=pending.debit_account_id,
            credit_account_id=pending.credit_account_id,
            amount=pending.amount if amount is None else amount,
            currency=pending.currency,
            pending=pending,
            code=code,
            ref=pending.ref,
        )
    )


def transfer_post(*, id: str, pending_id: str, amount: int | None = None, code: str = "post") -> Transfer:
    """Post a pending transfer in full, or part of it; the rest goes back to the debit account."""
    return _resolve(id=id, pending_id=pending_id, kind=TransferKind.POST, amount=amount, code=code)


def transfer_void(*, id: str, pending_id: str, code: str = "void") -> Transfer:
    return _resolve(id=id, pending_id=pending_id, kind=TransferKind.VOID, amount=None, code=code)


def transfer_expire(*, id: str, pending_id: str, code: str = "expire") -> Transfer:
    return _resolve(id=id, pending_id=pending_id, kind=TransferKind.EXPIRE, amount=None, code=code)
