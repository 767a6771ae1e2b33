"""Escrow on top of the ledger: money in, held for the supplier, released or refunded exactly once.

Per payment P of amount A into order O:
  fund:P            buyer_funding  -> escrow:O        A   (money received)
  fee:P             buyer_funding  -> processor_fees  F   (processing fee, charged on top)
  hold:P:n          escrow:O       -> supplier:S      A   pending: earmarked for the supplier
  release:P         posts hold:P:n for A - service fee; svcfee:P escrow:O -> platform_fees
  refund:P:k        voids the hold, escrow:O -> refunds, and holds what remains as hold:P:n+1
The money arriving and its first hold (fund:P, fee:P, hold:P:1) are one ledger batch, all or none.
Transfer ids are derived from the payment, so a retried step is a no-op and a second release
or refund of the same hold is refused by PostgreSQL's unique index on the resolved pending id.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from tradeshield.kit.money import apply_percent
from tradeshield.ledger import services as ledger
from tradeshield.ledger.models import Account, AccountKind, Transfer, TransferKind


def escrow_account(order_id: str, currency: str) -> Account:
    return ledger.account_ensure(kind=AccountKind.ESCROW, currency=currency, owner_ref=order_id)


def supplier_account(supplier_id: str, currency: str) -> Account:
    return ledger.account_ensure(kind=AccountKind.SUPPLIER_AVAILABLE, currency=currency, owner_ref=supplier_id)


def _platform(kind: AccountKind, currency: str) -> Account:
    return ledger.account_ensure(kind=kind, currency=currency)


def escrow_fund(*, transfer_id: str, payment_id: str, order_id: str, currency: str, amount: int) -> Transfer:
    return ledger.transfer_create(
        id=transfer_id,
        debit=_platform(AccountKind.BUYER_FUNDING, currency),
        credit=escrow_account(order_id, currency),
        amount=amount,
        code="escrow_fund",
        ref=payment_id,
    )


def processing_fee_refund(*, payment_id: str, currency: str, fee: int) -> None:
    if fee > 0:
        ledger.transfer_create(
            id=f"feerefund:{payment_id}",
            debit=_platform(AccountKind.PROCESSOR_FEES, currency),
            credit=_platform(AccountKind.REFUNDS, currency),
            amount=fee,
            code="processing_fee_refund",
            ref=payment_id,
        )


def active_hold(payment_id: str) -> Transfer | None:
    return (
        Transfer.objects.filter(ref=payment_id, kind=TransferKind.PENDING, code="escrow_hold", resolution__isnull=True)
        .order_by("-created_at")
        .first()
    )


def active_holds(payment_ids: Collection[str]) -> dict[str, Transfer]:
    """`active_hold` of several payments in one statement (those without one are left out)."""
    if not payment_ids:
        return {}
    holds = Transfer.objects.filter(
        ref__in=payment_ids, kind=TransferKind.PENDING, code="escrow_hold", resolution__isnull=True
    ).order_by("created_at")
    return {hold.ref: hold for hold in holds}  # oldest first, so each payment keeps its latest


def _hold_count(payment_id: str) -> int:
    return Transfer.objects.filter(ref=payment_id, kind=TransferKind.PENDING, code="escrow_hold").count()


def escrow_hold(*, payment_id: str, order_id: str, supplier_id: str, currency: str, amount: int) -> Transfer:
    """Hold what a refund left of a payment again, as its next hold (the first is made by `fund_and_hold`)."""
    return ledger.transfer_create(
        id=f"hold:{payment_id}:{_hold_count(payment_id) + 1}",
        debit=escrow_account(order_id, currency),
        credit=supplier_account(supplier_id, currency),
        amount=amount,
        code="escrow_hold",
        ref=payment_id,
        pending=True,
    )


@dataclass(frozen=True)
class FxFunding:
    """A payment charged `pay_amount` of `pay_currency` for `amount` of the order's currency (fee included)."""

    pay_currency: str
    pay_amount: int
    amount: int


def fund_and_hold(
    *,
    payment_id: str,
    order_id: str,
    supplier_id: str,
    currency: str,
    amount: int,
    funded: int = 0,
    fee: int = 0,
    fx: FxFunding | None = None,
) -> None:
    """A payment's money is all in: hold its `amount` for the supplier, after moving what its method paid.

    One batch, all or none: with `fx`, the money comes in through the pay currency's buyer funding and
    leaves as the order currency's, linked through an `fx` account in each currency (so each currency
    still balances to zero); `funded` goes into the order's escrow and the processing `fee` to the
    processor; then the hold. A payment is held once, so its first hold is `hold:P:1` (a refund holds
    what remains as the next one).
    """
    movements: list[ledger.Movement] = []
    if fx is not None:
        movements += [
            ledger.single(
                id=f"fxin:{payment_id}",
                debit=_platform(AccountKind.BUYER_FUNDING, fx.pay_currency),
                credit=_platform(AccountKind.FX, fx.pay_currency),
                amount=fx.pay_amount,
                code="fx_buy",
                ref=payment_id,
            ),
            ledger.single(
                id=f"fxout:{payment_id}",
                debit=_platform(AccountKind.FX, currency),
                credit=_platform(AccountKind.BUYER_FUNDING, currency),
                amount=fx.amount,
                code="fx_sell",
                ref=payment_id,
            ),
        ]
    if funded > 0:
        movements.append(
            ledger.single(
                id=f"fund:{payment_id}",
                debit=_platform(AccountKind.BUYER_FUNDING, currency),
                credit=escrow_account(order_id, currency),
                amount=funded,
                code="escrow_fund",
                ref=payment_id,
            )
        )
    if fee > 0:
        movements.append(
            ledger.single(
                id=f"fee:{payment_id}",
                debit=_platform(AccountKind.BUYER_FUNDING, currency),
                credit=_platform(AccountKind.PROCESSOR_FEES, currency),
                amount=fee,
                code="processing_fee",
                ref=payment_id,
            )
        )
    held_in, held_for = escrow_account(order_id, currency), supplier_account(supplier_id, currency)
    hold_id = f"hold:{payment_id}:1"
    if movements:
        hold = ledger.pending(
            id=hold_id, debit=held_in, credit=held_for, amount=amount, code="escrow_hold", ref=payment_id
        )
        ledger.transfers_apply([*movements, hold])
    else:  # the hold alone (paid from credit, or funded earlier): no batch, so no batch's subtransaction
        ledger.transfer_create(
            id=hold_id, debit=held_in, credit=held_for, amount=amount, code="escrow_hold", ref=payment_id, pending=True
        )


def service_fee_for(amount: int) -> int:
    return apply_percent(amount, Decimal(settings.TRADESHIELD_SERVICE_FEE_PERCENT))


def release_split(held: int) -> tuple[int, int]:
    """What releasing `held` pays: (to the supplier, the platform's service fee)."""
    fee = service_fee_for(held)
    return held - fee, fee


def escrow_release(
    *, payment_id: str, order_id: str, currency: str, hold: Transfer, then: Sequence[ledger.Movement] = ()
) -> tuple[int, int]:
    """Release the payment's active `hold` (see `active_holds`) and, in the same ledger batch (all or none),
    the movements `then` that depend on it. Returns `release_split` of the hold."""
    net, fee = release_split(hold.amount)
    if net > 0:
        release = ledger.post(id=f"release:{payment_id}", pending_id=hold.id, amount=net, code="escrow_release")
    else:
        release = ledger.void(id=f"release:{payment_id}", pending_id=hold.id, code="escrow_release")
    movements = [release, *then]
    if fee > 0:
        service_fee = ledger.single(
            id=f"svcfee:{payment_id}",
            debit=escrow_account(order_id, currency),
            credit=_platform(AccountKind.PLATFORM_FEES, currency),
            amount=fee,
            code="service_fee",
            ref=payment_id,
        )
        movements.insert(1, service_fee)
    if len(movements) > 1:
        ledger.transfers_apply(movements)
    else:  # the release alone: no batch, so no batch's subtransaction
        ledger.transfer_post(id=release.id, pending_id=hold.id, amount=net, code=release.code)
    return net, fee


def escrow_refund(
    *,
    payment_id: str,
    order_id: str,
    supplier_id: str,
    buyer_id: str,
    currency: str,
    amount: int,
    to_credit: int = 0,
    refund_seq: int,
) -> int:
    """Refund `amount` of a held payment to the buyer's method and `to_credit` back to the buyer's credit;
    the rest stays held. Returns what remains held."""
    hold = active_hold(payment_id)
    held = hold.amount if hold else 0
    if hold is not None:
        ledger.transfer_void(id=f"unhold:{hold.id}", pending_id=hold.id, code="escrow_unhold")
    if amount > 0:
        ledger.transfer_create(
            id=f"refund:{payment_id}:{refund_seq}",
            debit=escrow_account(order_id, currency),
            credit=_platform(AccountKind.REFUNDS, currency),
            amount=amount,
            code="escrow_refund",
            ref=payment_id,
        )
    if to_credit > 0:
        credit_return(
            transfer_id=f"refundcredit:{payment_id}:{refund_seq}",
            payment_id=payment_id,
            order_id=order_id,
            buyer_id=buyer_id,
            currency=currency,
            amount=to_credit,
        )
    remaining = held - amount - to_credit
    if remaining > 0:
        escrow_hold(
            payment_id=payment_id, order_id=order_id, supplier_id=supplier_id, currency=currency, amount=remaining
        )
    return max(remaining, 0)


def unallocated_receipt(*, transfer_id: str, currency: str, amount: int, ref: str) -> Transfer:
    return ledger.transfer_create(
        id=transfer_id,
        debit=_platform(AccountKind.BUYER_FUNDING, currency),
        credit=_platform(AccountKind.SUSPENSE, currency),
        amount=amount,
        code="unmatched_receipt",
        ref=ref,
    )


def excess_refund(*, transfer_id: str, payment_id: str, order_id: str, currency: str, amount: int) -> Transfer:
    return ledger.transfer_create(
        id=transfer_id,
        debit=escrow_account(order_id, currency),
        credit=_platform(AccountKind.REFUNDS, currency),
        amount=amount,
        code="overpayment_refund",
        ref=payment_id,
    )


def buyer_credit_account(buyer_id: str, currency: str) -> Account:
    return ledger.account_ensure(kind=AccountKind.BUYER_CREDIT, currency=currency, owner_ref=buyer_id)


def compensation_pay(*, transfer_id: str, order_id: str, buyer_id: str, currency: str, amount: int) -> Transfer:
    """The platform's guarantee fund compensates a buyer with credit usable on later orders."""
    return ledger.transfer_create(
        id=transfer_id,
        debit=_platform(AccountKind.GUARANTEE_FUND, currency),
        credit=buyer_credit_account(buyer_id, currency),
        amount=amount,
        code="compensation",
        ref=order_id,
    )


def credit_spend(*, payment_id: str, order_id: str, buyer_id: str, currency: str, amount: int) -> Transfer:
    """Buyer credit pays part of a payment: it moves into the order's escrow at once (so it is spent once)."""
    return ledger.transfer_create(
        id=f"credit:{payment_id}",
        debit=buyer_credit_account(buyer_id, currency),
        credit=escrow_account(order_id, currency),
        amount=amount,
        code="credit_spend",
        ref=payment_id,
    )


def credit_return(
    *, transfer_id: str, payment_id: str, order_id: str, buyer_id: str, currency: str, amount: int
) -> Transfer:
    return ledger.transfer_create(
        id=transfer_id,
        debit=escrow_account(order_id, currency),
        credit=buyer_credit_account(buyer_id, currency),
        amount=amount,
        code="credit_return",
        ref=payment_id,
    )


def credit_available(buyer_id: str, currency: str) -> int:
    account = Account.objects.filter(id=ledger.account_id_for(AccountKind.BUYER_CREDIT, currency, buyer_id)).first()
    return account.available if account else 0


def fx_refund(
    *, transfer_id: str, payment_id: str, currency: str, amount: int, pay_currency: str, pay_amount: int
) -> None:
    """A refund of `amount` (order currency, already credited to refunds) goes back to the buyer as
    `pay_amount` of the pay currency, through the `fx` accounts."""
    if amount > 0:
        ledger.transfer_create(
            id=f"{transfer_id}:out",
            debit=_platform(AccountKind.REFUNDS, currency),
            credit=_platform(AccountKind.FX, currency),
            amount=amount,
            code="fx_refund_buy",
            ref=payment_id,
        )
    if pay_amount > 0:
        ledger.transfer_create(
            id=f"{transfer_id}:in",
            debit=_platform(AccountKind.FX, pay_currency),
            credit=_platform(AccountKind.REFUNDS, pay_currency),
            amount=pay_amount,
            code="fx_refund_sell",
            ref=payment_id,
        )
