"""What paying the next milestone will cost with each method, shown before the buyer pays."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tradeshield.kit.money import check_currency
from tradeshield.kit.schemas import money
from tradeshield.orders.errors import OrderInvalid, OrderStateError
from tradeshield.orders.models import MilestoneStatus, Order
from tradeshield.payments.exchange import LockedRate, rate_lock
from tradeshield.payments.fees import fee_quote
from tradeshield.payments.models import Method, PaymentMethodOffer
from tradeshield.payments.offers import LABELS, offer_fee, offers_for

CARD_NETWORKS = ("visa", "mastercard", "amex", "jcb", "unionpay", "discover", "diners")


def _next_milestone(order: Order) -> Any:
    milestone = order.milestones.filter(status=MilestoneStatus.UNPAID).order_by("position").first()
    if milestone is None:
        raise OrderStateError(_("Nothing is left to pay on this order."), code="order_not_payable")
    return milestone


def quote_next_milestone(order: Order, *, method: str, network: str = "", country: str = "") -> dict[str, Any]:
    if method not in Method.values:
        raise OrderInvalid(_("Unknown payment method."), field="method", code="payment_method_unavailable")
    milestone = _next_milestone(order)
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


def fx_for(order: Order, pay_currency: str | None) -> LockedRate | None:
    if not pay_currency or pay_currency.upper() == order.currency:
        return None
    return rate_lock(order.currency, check_currency(pay_currency.upper()))


def _offer_out(
    order: Order, offer: PaymentMethodOffer, amount: int, fx: LockedRate | None, network: str = ""
) -> dict[str, Any]:
    fee = offer_fee(offer, amount=amount, currency=order.currency, network=network, country=order.buyer.country)
    total = amount + fee
    pay_currency = fx.quote if fx else order.currency
    return {
        "method": offer.method,
        "label": str(LABELS.get(offer.method, offer.method)),
        "network": network,
        "percent": str(offer.fee_percent),
        "fee": money(fee, order.currency),
        "total": money(total, order.currency),
        "you_pay": money(fx.convert(total) if fx else total, pay_currency),
        "settlement_business_days": [offer.settlement_days_min, offer.settlement_days_max],
        "refund_business_days": [offer.refund_days_min, offer.refund_days_max],
        "limit": money(offer.limit_amount, offer.limit_currency) if offer.limit_amount is not None else None,
    }


def methods_for_order(order: Order, *, pay_currency: str | None = None) -> dict[str, Any]:
    """The methods offered to this order's buyer (by the buyer's country and the currency paid in),
    each priced for the next milestone; with another pay currency, the rate that would be locked."""
    milestone = _next_milestone(order)
    fx = fx_for(order, pay_currency)
    currency = fx.quote if fx else order.currency
    offers = offers_for(country=order.buyer.country, currency=currency)
    return {
        "order_id": order.id,
        "country": order.buyer.country,
        "currency": order.currency,
        "pay_currency": currency,
        "amount": money(milestone.amount, order.currency),
        "fx": fx.as_dict() if fx else None,
        "methods": [_offer_out(order, o, milestone.amount, fx) for o in offers],
    }


def payment_options(order: Order, *, pay_currency: str | None = None) -> list[dict[str, Any]]:
    """One row per offered method (and per card network) for the web payment page."""
    milestone = _next_milestone(order)
    fx = fx_for(order, pay_currency)
    offers = offers_for(country=order.buyer.country, currency=fx.quote if fx else order.currency)
    rows: list[dict[str, Any]] = []
    for offer in offers:
        networks = CARD_NETWORKS if offer.method == Method.CARD else ("",)
        rows += [_offer_out(order, offer, milestone.amount, fx, network=n) for n in networks]
    return rows
