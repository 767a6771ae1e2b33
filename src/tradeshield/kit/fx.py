"""Reference exchange rates, used only to express USD-denominated caps and fees in other currencies.

Rates are data: units of the currency per 1 USD, overridable with TRADESHIELD_FX_RATES
("JPY=155.2,EUR=0.93"). Orders are always paid and settled in their own currency; no customer
money is ever converted with these rates.
"""

from __future__ import annotations

import os
from decimal import Decimal

from tradeshield.kit.money import check_currency, from_major, to_major

DEFAULT_RATES_PER_USD: dict[str, Decimal] = {
    "USD": Decimal("1"),
    "EUR": Decimal("0.92"),
    "GBP": Decimal("0.79"),
    "CNY": Decimal("7.20"),
    "HKD": Decimal("7.80"),
    "SGD": Decimal("1.34"),
    "AUD": Decimal("1.52"),
    "CAD": Decimal("1.37"),
    "CHF": Decimal("0.88"),
    "INR": Decimal("84.0"),
    "MXN": Decimal("18.0"),
    "BRL": Decimal("5.60"),
    "AED": Decimal("3.6725"),
    "SAR": Decimal("3.75"),
    "THB": Decimal("34.5"),
    "MYR": Decimal("4.45"),
    "TRY": Decimal("34.0"),
    "PLN": Decimal("4.00"),
    "JPY": Decimal("150"),
    "KRW": Decimal("1380"),
    "VND": Decimal("25000"),
    "CLP": Decimal("950"),
    "KWD": Decimal("0.307"),
    "BHD": Decimal("0.376"),
    "OMR": Decimal("0.385"),
    "JOD": Decimal("0.709"),
    "TND": Decimal("3.10"),
}


def rates_per_usd() -> dict[str, Decimal]:
    rates = dict(DEFAULT_RATES_PER_USD)
    for item in filter(None, os.environ.get("TRADESHIELD_FX_RATES", "").split(",")):
        code, _, value = item.partition("=")
        rates[code.strip().upper()] = Decimal(value.strip())
    return rates


def convert(amount: int, source: str, target: str) -> int:
    """Convert minor units between currencies at the reference rate, with the house rounding rule."""
    check_currency(source)
    check_currency(target)
    if source == target:
        return amount
    rates = rates_per_usd()
    usd = to_major(amount, source) / rates[source]
    return from_major(usd * rates[target], target)
