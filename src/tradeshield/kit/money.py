"""Money in integer minor units of an ISO 4217 currency.

One rounding rule everywhere: a rate applied to an amount rounds half away from zero
(ROUND_HALF_UP on the absolute value) to the currency's minor unit. Splits never round twice:
the last part is the total less the others, so no minor unit is ever created or lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from tradeshield.kit.errors import DomainError

# ISO 4217 minor-unit exponents of the currencies the platform settles in.
CURRENCY_EXPONENTS: dict[str, int] = {
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "CNY": 2,
    "HKD": 2,
    "SGD": 2,
    "AUD": 2,
    "CAD": 2,
    "CHF": 2,
    "INR": 2,
    "MXN": 2,
    "BRL": 2,
    "AED": 2,
    "SAR": 2,
    "THB": 2,
    "MYR": 2,
    "TRY": 2,
    "PLN": 2,
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "CLP": 0,
    "KWD": 3,
    "BHD": 3,
    "OMR": 3,
    "JOD": 3,
    "TND": 3,
}

# Largest amount accepted anywhere: fits PostgreSQL bigint with room for sums of many rows.
MAX_AMOUNT = 10**15


class UnsupportedCurrency(DomainError):
    code = "unsupported_currency"
    status = 422


class InvalidAmount(DomainError):
    code = "invalid_amount"
    status = 422


class CurrencyMismatch(DomainError):
    code = "currency_mismatch"
    status = 422


def currency_exponent(currency: str) -> int:
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise UnsupportedCurrency(
            _("Currency %(currency)s is not supported.") % {"currency": repr(currency)}, field="currency"
        ) from None


def check_currency(currency: str) -> str:
    currency_exponent(currency)
    return currency


def check_amount(amount: int, *, field: str = "amount", allow_zero: bool = False) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidAmount(_("Amounts are integers in minor units."), field=field)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise InvalidAmount(_("Amount must be greater than zero."), field=field)
    if amount > MAX_AMOUNT:
        raise InvalidAmount(_("Amount must not exceed %(maximum)s.") % {"maximum": MAX_AMOUNT}, field=field)
    return amount


def round_minor(value: Decimal) -> int:
    """Round a Decimal number of minor units to an integer with the house rule."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def apply_percent(amount: int, percent: Decimal) -> int:
    return round_minor(Decimal(amount) * percent / Decimal(100))


def split_by_percent(total: int, percents: list[Decimal]) -> list[int]:
    """Split `total` into parts by percentage; the last part takes the remainder."""
    parts = [apply_percent(total, p) for p in percents[:-1]]
    parts.append(total - sum(parts))
    return parts


def format_amount(amount: int, currency: str) -> str:
    exponent = currency_exponent(currency)
    value = Decimal(amount).scaleb(-exponent)
    return f"{value:,.{exponent}f} {currency}"


def to_major(amount: int, currency: str) -> Decimal:
    return Decimal(amount).scaleb(-currency_exponent(currency))


def from_major(value: Decimal, currency: str) -> int:
    return round_minor(value.scaleb(currency_exponent(currency)))


@dataclass(frozen=True, slots=True)
class Money:
    amount: int
    currency: str

    def __post_init__(self) -> None:
        check_currency(self.currency)
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise InvalidAmount(_("Amounts are integers in minor units."))

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(
                _("Cannot combine %(first)s with %(second)s.") % {"first": self.currency, "second": other.currency}
            )

    def as_dict(self) -> dict[str, object]:
        return {"amount": self.amount, "currency": self.currency}

    def __str__(self) -> str:
        return format_amount(self.amount, self.currency)
