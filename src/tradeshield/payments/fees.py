"""The processing fee schedule: percent + fixed + cap, per method, network and region, as data."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tradeshield.kit.fx import convert
from tradeshield.kit.money import apply_percent
from tradeshield.payments.models import FeeRule

APAC_COUNTRIES = {
    "AU",
    "BD",
    "BN",
    "BT",
    "CN",
    "FJ",
    "HK",
    "ID",
    "IN",
    "JP",
    "KH",
    "KR",
    "LA",
    "LK",
    "MM",
    "MN",
    "MO",
    "MV",
    "MY",
    "NP",
    "NZ",
    "PG",
    "PH",
    "PK",
    "SG",
    "TH",
    "TL",
    "TW",
    "VN",
}


def region_of(country: str) -> str:
    return "APAC" if country.upper() in APAC_COUNTRIES else "OTHER"


@dataclass(frozen=True)
class FeeQuote:
    method: str
    network: str
    region: str
    percent: Decimal
    fee: int
    capped: bool
    currency: str


def _pick_rule(method: str, network: str, region: str) -> FeeRule | None:
    candidates = FeeRule.objects.filter(method=method, active=True, network__in=[network, ""], region__in=[region, ""])
    ranked = sorted(
        candidates, key=lambda r: (r.network == network and network != "", r.region == region), reverse=True
    )
    return ranked[0] if ranked else None


def fee_quote(*, method: str, amount: int, currency: str, network: str = "", country: str = "") -> FeeQuote:
    region = region_of(country) if country else ""
    rule = _pick_rule(method, network, region)
    if rule is None:
        return FeeQuote(method, network, region, Decimal(0), 0, False, currency)
    fee = apply_percent(amount, rule.percent)
    if rule.fixed_amount:
        fee += convert(rule.fixed_amount, rule.fixed_currency, currency)
    capped = False
    if rule.cap_amount is not None:
        cap = convert(rule.cap_amount, rule.cap_currency, currency)
        if fee > cap:
            fee, capped = cap, True
    return FeeQuote(method, network, region, rule.percent, fee, capped, currency)
