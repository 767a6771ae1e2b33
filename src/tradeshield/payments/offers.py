"""Which payment methods a buyer is offered (by country and currency), and what each costs.

The rows are data (`PaymentMethodOffer`, seeded by migration 0006). An offer's key is the method, or
for a wallet the wallet: card, bank_transfer, echeck, sepa, boleto, paypal, alipay, apple_pay, google_pay.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tradeshield.kit.fx import convert
from tradeshield.kit.money import apply_percent
from tradeshield.payments.errors import PaymentAboveLimit, PaymentMethodUnavailable
from tradeshield.payments.fees import fee_quote
from tradeshield.payments.models import Method, PaymentMethodOffer

WALLETS = ("paypal", "alipay", "apple_pay", "google_pay")
LABELS: dict[str, Any] = {
    "card": _("Card"),
    "bank_transfer": _("Bank transfer (T/T)"),
    "echeck": _("e-Check (ACH)"),
    "sepa": _("SEPA transfer"),
    "boleto": _("Boleto"),
    "paypal": _("PayPal"),
    "alipay": _("Alipay"),
    "apple_pay": _("Apple Pay"),
    "google_pay": _("Google Pay"),
}


def offer_key(method: str, wallet: str | None = None) -> str:
    if method in WALLETS:
        return method
    return (wallet or "") if method == Method.WALLET else method


def _applies(offer: PaymentMethodOffer, country: str, currency: str) -> bool:
    countries, currencies = offer.countries or [], offer.currencies or []
    return (not countries or country.upper() in countries) and (not currencies or currency in currencies)


def offers_for(*, country: str, currency: str) -> list[PaymentMethodOffer]:
    """The active offers for a buyer in `country` paying in `currency`, in display order."""
    return [o for o in PaymentMethodOffer.objects.filter(active=True) if _applies(o, country, currency)]


def offer_get(key: str) -> PaymentMethodOffer | None:
    return PaymentMethodOffer.objects.filter(method=key).first()


def offer_require(*, key: str, country: str, currency: str) -> PaymentMethodOffer:
    """The offer, if the buyer may use it; otherwise 422 payment_method_unavailable."""
    offer = PaymentMethodOffer.objects.filter(method=key, active=True).first()
    if offer is None or not _applies(offer, country, currency):
        label = LABELS.get(key, key)
        raise PaymentMethodUnavailable(
            (
                gettext("%(method)s is not offered to a buyer in %(country)s paying in %(currency)s.")
                % {"method": label, "country": country, "currency": currency}
                if country
                else gettext("%(method)s is not offered to a buyer in your country paying in %(currency)s.")
                % {"method": label, "currency": currency}
            ),
            field="method",
        )
    return offer


def offer_fee(offer: PaymentMethodOffer, *, amount: int, currency: str, network: str = "", country: str = "") -> int:
    """The processing fee in `currency` minor units. Cards keep their network/region schedule."""
    if offer.method == Method.CARD:
        return fee_quote(method=Method.CARD, amount=amount, currency=currency, network=network, country=country).fee
    fee = apply_percent(amount, offer.fee_percent)
    if offer.fee_fixed:
        fee += convert(offer.fee_fixed, offer.fee_fixed_currency, currency)
    return fee


def limit_check(offer: PaymentMethodOffer, *, total: int, currency: str) -> None:
    """Refuse a charge above the method's per-transaction limit (compared in the limit's currency)."""
    if offer.limit_amount is None:
        return
    if convert(total, currency, offer.limit_currency) > offer.limit_amount:
        label = LABELS.get(offer.method, offer.method)
        raise PaymentAboveLimit(
            gettext(
                "%(method)s takes at most %(limit)s minor units of %(currency)s per payment; choose another method."
            )
            % {"method": label, "limit": offer.limit_amount, "currency": offer.limit_currency},
            field="method",
        )


def offer_times(offer: PaymentMethodOffer | None) -> dict[str, list[int]]:
    if offer is None:
        return {"settlement_business_days": [0, 0], "refund_business_days": [0, 0]}
    return {
        "settlement_business_days": [offer.settlement_days_min, offer.settlement_days_max],
        "refund_business_days": [offer.refund_days_min, offer.refund_days_max],
    }
