"""What paying the next milestone will cost with each method, shown before the buyer pays."""

from __future__ import annotations

from typing import Any

from tradeshield.kit.schemas import money
from tradeshield.orders.errors import OrderInvalid, OrderStateError
from tradeshield.orders.models import MilestoneStatus, Order
from tradeshield.payments.fees import fee_quote
from tradeshield.payments.models import Method

CARD_NETWORKS = ("visa", "mastercard", "amex", "jcb", "unionpay", "discover", "diners")


def quote_next_milestone(order: Order, *, method: str, network: str = "", country: str = "") -> dict[str, Any]:
    if method not in Method.values:
        raise OrderInvalid("Unknown payment method.", field="method", code="payment_method_unavailable")
    milestone = order.milestones.filter(status=MilestoneStatus.UNPAID).order_by("position").first()
    if milestone is None:
        raise OrderStateError("Nothing is left to pay on this order.", code="order_not_payable")
    quote = fee_quote(
        method=method,
        amount=milestone.amount,
        currency=order.currency,
        network=network,
        country=country or order.buyer.country,
    )
    return {
        "method": method,
        "network": network,
        "region": quote.region,
        "percent": str(quote.percent),
        "fee": money(quote.fee, order.currency),
        "capped": quote.capped,
        "amount": money(milestone.amount, order.currency),
        "total": money(milestone.amount + quote.fee, order.currency),
    }


def payment_options(order: Order) -> list[dict[str, Any]]:
    """One quote per method (and per card network) for the web payment page."""
    options = [quote_next_milestone(order, method=Method.CARD, network=n) for n in CARD_NETWORKS]
    options.append(quote_next_milestone(order, method=Method.BANK_TRANSFER))
    options += [quote_next_milestone(order, method=Method.WALLET, network=w) for w in ("paypal", "alipay")]
    if order.currency == "USD":
        options.append(quote_next_milestone(order, method=Method.ECHECK))
    return options
