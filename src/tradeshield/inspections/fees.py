"""Inspection fees through the ledger.

Per inspection I of fee F in the order's currency, paid by P (buyer or supplier):
  inspfee:I          buyer_funding | supplier_funding -> inspection_fees:I   F  (card charge)
  inspearn:I         inspection_fees:I -> agency_payable:A                   F  (report filed)
  inspback:I         inspection_fees:I -> refunds                           F  (cancelled before the visit)
When a failed report puts the supplier at fault and the buyer paid, the buyer gets F back out of the
order's escrow (a partial refund, so the supplier bears it); whatever escrow cannot cover comes from the
guarantee fund as buyer credit. Transfer ids derive from the inspection, so each step happens once.
"""

from __future__ import annotations

from tradeshield.escrow import services as escrow
from tradeshield.inspections.models import Inspection
from tradeshield.ledger import services as ledger
from tradeshield.ledger.models import Account, AccountKind
from tradeshield.orders.models import Order
from tradeshield.payments import services as payments
from tradeshield.payments.models import FUNDED_STATUSES, Payment


def _fee_account(inspection: Inspection) -> Account:
    return ledger.account_ensure(
        kind=AccountKind.INSPECTION_FEES, currency=inspection.currency, owner_ref=inspection.id
    )


def _platform(kind: AccountKind, currency: str) -> Account:
    return ledger.account_ensure(kind=kind, currency=currency)


def fee_collect(inspection: Inspection) -> None:
    source = AccountKind.BUYER_FUNDING if inspection.fee_payer == "buyer" else AccountKind.SUPPLIER_FUNDING
    ledger.transfer_create(
        id=f"inspfee:{inspection.id}",
        debit=_platform(source, inspection.currency),
        credit=_fee_account(inspection),
        amount=inspection.fee_amount,
        code="inspection_fee",
        ref=inspection.id,
    )


def fee_earn(inspection: Inspection) -> None:
    ledger.transfer_create(
        id=f"inspearn:{inspection.id}",
        debit=_fee_account(inspection),
        credit=ledger.account_ensure(
            kind=AccountKind.AGENCY_PAYABLE, currency=inspection.currency, owner_ref=inspection.agency_id
        ),
        amount=inspection.fee_amount,
        code="inspection_fee_earned",
        ref=inspection.id,
    )


def fee_return(inspection: Inspection) -> None:
    ledger.transfer_create(
        id=f"inspback:{inspection.id}",
        debit=_fee_account(inspection),
        credit=_platform(AccountKind.REFUNDS, inspection.currency),
        amount=inspection.fee_amount,
        code="inspection_fee_refund",
        ref=inspection.id,
    )


def fee_reimburse_buyer(inspection: Inspection, order: Order) -> int:
    """Give the buyer the fee back at the supplier's expense; returns the amount reimbursed."""
    left = inspection.fee_amount
    funded = Payment.objects.select_for_update().filter(order_id=order.id, status__in=FUNDED_STATUSES)
    for payment in funded.order_by("-created_at"):
        part = min(left, payments.held_amount(payment))
        if part:
            payments.payment_refund(payment=payment, amount=part, reason=f"Inspection fee {inspection.id} refunded")
            left -= part
    if left:
        escrow.compensation_pay(
            transfer_id=f"inspfee:{inspection.id}:guarantee",
            order_id=order.id,
            buyer_id=order.buyer_id,
            currency=inspection.currency,
            amount=left,
        )
    return inspection.fee_amount
