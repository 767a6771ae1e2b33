"""Executing a dispute's outcome through the ledger. Called once per dispute, inside the transaction
that moved the dispute out of its open state by compare-and-set, with the order row locked.

Before release the money is in the order's escrow: the buyer's share is refunded from it (through
payments, latest payment first); the supplier's share is released if the goods have shipped (the
order completes) and otherwise stays held for the normal flow. After release (post-sales) the buyer's
share comes from the supplier's available balance, then its reserve, then the platform's guarantee
fund, which records the shortfall as the supplier's debt:
  dispute:D:supplier   supplier_available:S -> refunds
  dispute:D:reserve    supplier_reserve:S   -> refunds
  dispute:D:debt       supplier_debt:S      -> guarantee_fund   (the supplier owes the fund)
  dispute:D:guarantee  guarantee_fund       -> refunds
Transfer ids are derived from the dispute, so a retry cannot move money twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from tradeshield.disputes.models import Dispute, Stage
from tradeshield.escrow import services as escrow
from tradeshield.ledger import services as ledger
from tradeshield.ledger.models import Account, AccountKind
from tradeshield.orders import paying
from tradeshield.orders.models import MilestoneStatus, Order
from tradeshield.orders.services import transition
from tradeshield.orders.states import RECEIVABLE, OrderStatus
from tradeshield.payments import services as payments
from tradeshield.payments.models import FUNDED_STATUSES, Payment, PaymentStatus


@dataclass(frozen=True)
class Payout:
    refunded: int
    from_guarantee_fund: int = 0


def held_in_escrow(order: Order) -> int:
    return sum(payments.held_amount(p) for p in Payment.objects.filter(order_id=order.id, status__in=FUNDED_STATUSES))


def paid_and_released(order: Order) -> int:
    """What the buyer paid for a released order and has not had back."""
    released = Payment.objects.filter(order_id=order.id, status=PaymentStatus.RELEASED)
    return sum(p.amount - p.refunded_amount - p.credit_returned for p in released)


def _available(kind: AccountKind, supplier_id: str, currency: str) -> int:
    account = Account.objects.filter(id=ledger.account_id_for(kind, currency, supplier_id)).first()
    return max(account.available, 0) if account else 0


def execute(dispute: Dispute, order: Order, *, buyer_amount: int, release_rest: bool, reason: str) -> Payout:
    if dispute.stage == Stage.POST_SALES:
        return _post_sales(dispute, buyer_amount)
    return _pre_release(dispute, order, buyer_amount=buyer_amount, release_rest=release_rest, reason=reason)


def _pre_release(dispute: Dispute, order: Order, *, buyer_amount: int, release_rest: bool, reason: str) -> Payout:
    funded = list(
        Payment.objects.select_for_update()
        .filter(order_id=order.id, status__in=FUNDED_STATUSES)
        .order_by("-created_at")
    )
    held = {p.id: payments.held_amount(p) for p in funded}
    to_refund = min(buyer_amount, sum(held.values()))
    full = to_refund == sum(held.values())
    left = to_refund
    for payment in funded:
        part = min(left, held[payment.id])
        if part:
            payments.payment_refund(payment=payment, amount=part, reason=reason, include_fee=full)
            left -= part
    if full and to_refund:
        order.milestones.exclude(status=MilestoneStatus.UNPAID).update(status=MilestoneStatus.REFUNDED)
        transition(
            order,
            OrderStatus.REFUNDED,
            actor=None,
            error_code="order_not_refundable",
            kind="order.refunded",
            reason=reason,
            dispute_id=dispute.id,
        )
    elif release_rest and order.status in RECEIVABLE:
        paying.complete_and_release(order, None, dispute_id=dispute.id, reason=reason)
    return Payout(refunded=to_refund)


def _move(transfer_id: str, debit: Account, credit: Account, amount: int, dispute: Dispute, code: str) -> None:
    if amount > 0:
        ledger.transfer_create(id=transfer_id, debit=debit, credit=credit, amount=amount, code=code, ref=dispute.id)


def _post_sales(dispute: Dispute, buyer_amount: int) -> Payout:
    currency, supplier_id = dispute.currency, dispute.supplier_id
    refunds = ledger.account_ensure(kind=AccountKind.REFUNDS, currency=currency)
    left = buyer_amount
    from_available = min(left, _available(AccountKind.SUPPLIER_AVAILABLE, supplier_id, currency))
    _move(
        f"dispute:{dispute.id}:supplier",
        escrow.supplier_account(supplier_id, currency),
        refunds,
        from_available,
        dispute,
        "dispute_refund_supplier",
    )
    left -= from_available
    from_reserve = min(left, _available(AccountKind.SUPPLIER_RESERVE, supplier_id, currency))
    if from_reserve:
        reserve = ledger.account_ensure(kind=AccountKind.SUPPLIER_RESERVE, currency=currency, owner_ref=supplier_id)
        _move(f"dispute:{dispute.id}:reserve", reserve, refunds, from_reserve, dispute, "dispute_refund_reserve")
    left -= from_reserve
    if left:
        fund = ledger.account_ensure(kind=AccountKind.GUARANTEE_FUND, currency=currency)
        debt = ledger.account_ensure(kind=AccountKind.SUPPLIER_DEBT, currency=currency, owner_ref=supplier_id)
        _move(f"dispute:{dispute.id}:debt", debt, fund, left, dispute, "supplier_debt")
        _move(f"dispute:{dispute.id}:guarantee", fund, refunds, left, dispute, "dispute_refund_guarantee")
    return Payout(refunded=buyer_amount, from_guarantee_fund=left)


def supplier_debt(supplier_id: str, currency: str) -> int:
    """What a supplier owes the guarantee fund (positive), from its debt account."""
    account = Account.objects.filter(id=ledger.account_id_for(AccountKind.SUPPLIER_DEBT, currency, supplier_id)).first()
    return -account.balance if account else 0
