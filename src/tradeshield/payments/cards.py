"""Card number checks done before any provider sees the card: Luhn, brand, expiry, CVC."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tradeshield.kit import clock
from tradeshield.kit.errors import Invalid

# (brand, IIN ranges as (low, high) over the leading digits, allowed lengths). Order matters:
# UnionPay's 62 range must be tried before Discover's 622126-622925 co-branded range.
BRANDS: list[tuple[str, list[tuple[int, int]], set[int]]] = [
    ("amex", [(34, 34), (37, 37)], {15}),
    ("diners", [(300, 305), (36, 36), (38, 39)], {14, 15, 16, 17, 18, 19}),
    ("jcb", [(3528, 3589)], {16, 17, 18, 19}),
    ("unionpay", [(62, 62), (81, 81)], {16, 17, 18, 19}),
    ("discover", [(6011, 6011), (644, 649), (65, 65)], {16, 17, 18, 19}),
    ("mastercard", [(51, 55), (2221, 2720)], {16}),
    ("visa", [(4, 4)], {13, 16, 19}),
]


class CardInvalid(Invalid):
    code = "card_invalid"


class CardExpired(Invalid):
    code = "card_expired"


@dataclass(frozen=True)
class CheckedCard:
    number: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int


def luhn_valid(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def card_brand(number: str) -> str | None:
    for brand, ranges, lengths in BRANDS:
        for low, high in ranges:
            width = len(str(low))
            if len(number) >= width and low <= int(number[:width]) <= high and len(number) in lengths:
                return brand
    return None


def card_check(*, number: str, exp_month: int, exp_year: int, cvc: str) -> CheckedCard:
    digits = number.replace(" ", "").replace("-", "")
    if not digits.isdigit() or not 12 <= len(digits) <= 19:
        raise CardInvalid(_("The card number must be 12 to 19 digits."), field="card.number")
    if not luhn_valid(digits):
        raise CardInvalid(_("The card number is not valid (check digit)."), field="card.number")
    brand = card_brand(digits)
    if brand is None:
        raise CardInvalid(_("This card brand is not accepted."), field="card.number", code="card_brand_unsupported")
    if not 1 <= exp_month <= 12:
        raise CardInvalid(_("Expiry month must be 1 to 12."), field="card.exp_month")
    if exp_year < 100:
        exp_year += 2000
    today = clock.today()
    if (exp_year, exp_month) < (today.year, today.month):
        raise CardExpired(_("The card has expired."), field="card.exp_year")
    if exp_year > today.year + 20:
        raise CardInvalid(_("Expiry year is too far ahead."), field="card.exp_year")
    cvc_length = 4 if brand == "amex" else 3
    if not (cvc.isdigit() and len(cvc) == cvc_length):
        raise CardInvalid(
            ngettext(
                "The security code must be %(length)s digit.",
                "The security code must be %(length)s digits.",
                cvc_length,
            )
            % {"length": cvc_length},
            field="card.cvc",
        )
    return CheckedCard(number=digits, brand=brand, last4=digits[-4:], exp_month=exp_month, exp_year=exp_year)


def card_check_input(card: Mapping[str, Any]) -> CheckedCard:
    """`card_check` on a card as an API or form sends it (number, exp_month, exp_year, cvc)."""
    return card_check(
        number=str(card.get("number", "")),
        exp_month=int(card.get("exp_month", 0)),
        exp_year=int(card.get("exp_year", 0)),
        cvc=str(card.get("cvc", "")),
    )


def aba_routing_valid(routing: str) -> bool:
    if len(routing) != 9 or not routing.isdigit():
        return False
    d = [int(c) for c in routing]
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 == 0
