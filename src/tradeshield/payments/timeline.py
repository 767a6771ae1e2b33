"""How long each method takes to move money, as shown to buyers.

The times come from the method's row in the payment-method offers table (`PaymentMethodOffer`); the
constants below are only the fallback for a method without a row (buyer credit).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tradeshield.kit.clock import add_business_days, today
from tradeshield.payments.models import PaymentMethodOffer
from tradeshield.payouts.models import Payout, ReserveHold

# method -> (min, max) business days until a refund reaches the buyer
REFUND_BUSINESS_DAYS = {"card": (12, 12), "bank_transfer": (3, 7), "echeck": (3, 4), "wallet": (1, 3), "credit": (0, 0)}
# method -> business days until funds from the buyer arrive
FUNDING_BUSINESS_DAYS = {"card": (0, 0), "bank_transfer": (3, 7), "echeck": (3, 4), "wallet": (0, 0), "credit": (0, 0)}


def _days(method: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """((funding min, max), (refund min, max)) business days for a method key (see offers.offer_key)."""
    offer = PaymentMethodOffer.objects.filter(method=method).first()
    if offer is not None:
        return (
            (offer.settlement_days_min, offer.settlement_days_max),
            (offer.refund_days_min, offer.refund_days_max),
        )
    if method in ("paypal", "alipay"):
        method = "wallet"
    return FUNDING_BUSINESS_DAYS.get(method, (0, 0)), REFUND_BUSINESS_DAYS.get(method, (0, 0))


def refund_expected_by(method: str, start: date | None = None) -> date:
    return add_business_days(start or today(), _days(method)[1][1])


def funds_expected_by(method: str, start: date | None = None) -> date:
    return add_business_days(start or today(), _days(method)[0][1])


def expected_times(method: str) -> dict[str, list[int]]:
    """The business days this method takes, as data (shown next to the timeline)."""
    funding, refund = _days(method)
    return {
        "funding_business_days": list(funding),
        "refund_business_days": list(refund),
        "payout_business_days": [1, 1],
    }


def payout_steps(payment: Any) -> list[dict[str, Any]]:
    """After a release: where the supplier's money went next (reserve, payout). Derived, not stored:
    a payout pays the supplier's balance, so the payment's money is in the first payout made after its
    release (or the next daily settlement batch if there is none yet)."""
    released = next((e for e in payment.events.all() if e.kind == "released"), None)
    if released is None:
        return []
    steps: list[dict[str, Any]] = []
    hold = ReserveHold.objects.filter(pk=payment.id).first()
    if hold is not None and hold.released_at is not None:
        steps.append(_step("reserve_released", hold.amount, payment.currency, hold.released_at, None))
    payout = (
        Payout.objects.filter(
            organization_id=payment.supplier_id, currency=payment.currency, created_at__gte=released.created_at
        )
        .exclude(status="failed")
        .order_by("created_at")
        .first()
    )
    if payout is None:
        steps.append(_step("payout_expected", None, payment.currency, None, add_business_days(today(), 1)))
    elif payout.status == "paid":
        steps.append(_step("paid_out", None, payment.currency, payout.paid_at, None))
    else:
        steps.append(
            _step("payout_in_transit", None, payment.currency, payout.created_at, add_business_days(today(), 1))
        )
    return steps


def _step(kind: str, amount: int | None, currency: str, at: Any, expected_by: date | None) -> dict[str, Any]:
    return {
        "kind": kind,
        "amount": {"amount": amount, "currency": currency} if amount is not None else None,
        "expected_by": expected_by,
        "detail": {},
        "created_at": at,
    }
