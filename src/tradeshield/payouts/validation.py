"""Bank details checked before anything is stored or sent: IBAN (ISO 13616 mod 97 and the country's
format) and US ABA routing numbers (checksum), with python-stdnum."""

from __future__ import annotations

from django.utils.translation import gettext as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError
from stdnum.us import rtn

from tradeshield.payouts.errors import PayoutAccountInvalid


def clean_iban(value: str) -> str:
    try:
        return str(stdnum_iban.validate(value))
    except ValidationError as exc:
        raise PayoutAccountInvalid(
            _("This is not a valid IBAN (%(reason)s).") % {"reason": exc}, field="iban", code="iban_invalid"
        ) from None


def clean_routing_number(value: str) -> str:
    try:
        return str(rtn.validate(value))
    except ValidationError as exc:
        raise PayoutAccountInvalid(
            _("This is not a valid ABA routing number (%(reason)s).") % {"reason": exc},
            field="routing_number",
            code="routing_number_invalid",
        ) from None


def clean_us_account_number(value: str) -> str:
    digits = "".join(value.split()).replace("-", "")
    if not (digits.isdigit() and 4 <= len(digits) <= 17):
        raise PayoutAccountInvalid(
            _("The account number must be 4 to 17 digits."), field="account_number", code="account_number_invalid"
        )
    return digits
