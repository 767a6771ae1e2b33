"""Exchange rates a buyer pays at, when paying in another currency than the order's.

A rate row says: 1 unit of `base` buys `rate` units of `quote` (major units, exact decimal). At payment
the newest row for (order currency, pay currency) is LOCKED: copied onto the payment with its source and
time, so later loads never change what a payment was charged or how its refunds convert back.

Rounding rule (docs/decisions.md): a conversion rounds UP to the pay currency's minor unit (ceil), both
for what the buyer is charged and for the cumulative amount refunded. The buyer never pays a fraction
of a minor unit less than the rate says, and a full refund returns exactly what was charged.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from tradeshield.kit import clock
from tradeshield.kit.money import CURRENCY_EXPONENTS, currency_exponent
from tradeshield.payments.errors import FxFileInvalid, FxRateStale, FxRateUnavailable
from tradeshield.payments.models import FxRate

RATE_PLACES = 10
FIELDS = ("base", "quote", "rate", "source", "as_of")


@dataclass(frozen=True)
class LockedRate:
    base: str
    quote: str
    rate: Decimal
    source: str
    as_of: datetime

    def convert(self, amount: int) -> int:
        """`amount` minor units of base in minor units of quote, rounded up."""
        return convert_up(amount, self.base, self.quote, self.rate)

    def as_dict(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "quote": self.quote,
            "rate": str(self.rate),
            "source": self.source,
            "as_of": self.as_of,
        }


def convert_up(amount: int, base: str, quote: str, rate: Decimal) -> int:
    shift = currency_exponent(quote) - currency_exponent(base)
    value = (Decimal(amount) * rate).scaleb(shift)
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def max_age() -> timedelta:
    return timedelta(hours=float(getattr(settings, "TRADESHIELD_FX_MAX_AGE_HOURS", 24)))


def rate_lock(base: str, quote: str) -> LockedRate:
    """The newest rate for the pair; missing or older than the setting is refused (422)."""
    row = FxRate.objects.filter(base=base, quote=quote).order_by("-as_of").first()
    if row is None:
        raise FxRateUnavailable(
            _("There is no exchange rate from %(base)s to %(quote)s; pay in %(base)s or another currency.")
            % {"base": base, "quote": quote},
            field="pay_currency",
        )
    if row.as_of < clock.now() - max_age():
        raise FxRateStale(
            _(
                "The %(base)s/%(quote)s exchange rate is from %(as_of)s UTC, too old to pay at; "
                "try again later or pay in the order's currency."
            )
            % {"base": base, "quote": quote, "as_of": f"{row.as_of:%Y-%m-%d %H:%M}"},
            field="pay_currency",
        )
    return LockedRate(row.base, row.quote, row.rate, row.source, row.as_of)


# --- Loading rates from a file --------------------------------------------------------------------


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("no timezone")
    return parsed


def _check_row(number: int, raw: Any, seen: set[tuple[str, str, datetime]]) -> tuple[dict[str, Any] | None, list[str]]:
    where = f"row {number}"
    if not isinstance(raw, dict):
        return None, [f"{where}: expected an object with {', '.join(FIELDS)}"]
    errors: list[str] = []
    missing = [f for f in FIELDS if str(raw.get(f) or "").strip() == ""]
    if missing:
        return None, [f"{where}: missing {', '.join(missing)}"]
    base, quote = str(raw["base"]).strip().upper(), str(raw["quote"]).strip().upper()
    for name, code in (("base", base), ("quote", quote)):
        if code not in CURRENCY_EXPONENTS:
            errors.append(f"{where}: {name} {code!r} is not a supported ISO 4217 currency")
    if base == quote:
        errors.append(f"{where}: base and quote are both {base}")
    if isinstance(raw["rate"], float):
        errors.append(f"{where}: rate must be a decimal string, not a JSON number (floats lose digits)")
        rate = None
    else:
        try:
            rate = Decimal(str(raw["rate"]).strip())
        except InvalidOperation:
            rate = None
            errors.append(f"{where}: rate {raw['rate']!r} is not a decimal number")
    if rate is not None:
        exponent = rate.as_tuple().exponent
        if not rate.is_finite() or rate <= 0:
            errors.append(f"{where}: rate must be greater than zero")
        elif isinstance(exponent, int) and -exponent > RATE_PLACES:
            errors.append(f"{where}: rate has more than {RATE_PLACES} decimal places")
        elif rate >= Decimal(10) ** 14:
            errors.append(f"{where}: rate is too large")
    source = str(raw["source"]).strip()
    if len(source) > 80:
        errors.append(f"{where}: source is longer than 80 characters")
    try:
        as_of = _parse_time(str(raw["as_of"]))
    except ValueError:
        as_of = None
        errors.append(f"{where}: as_of {raw['as_of']!r} is not an RFC 3339 time with a timezone")
    if as_of is not None and as_of > clock.now() + timedelta(minutes=5):
        errors.append(f"{where}: as_of {raw['as_of']} is in the future")
    if errors or as_of is None:
        return None, errors
    key = (base, quote, as_of)
    if key in seen:
        return None, [f"{where}: {base}/{quote} at {raw['as_of']} appears twice"]
    seen.add(key)
    return {"base": base, "quote": quote, "rate": rate, "source": source, "as_of": as_of}, []


def rates_parse(text: str, *, filename: str = "") -> list[dict[str, Any]]:
    """Rows of a CSV (header base,quote,rate,source,as_of) or JSON file (a list of objects, or
    {"rates": [...]}). Any bad row refuses the whole file with every problem listed."""
    stripped = text.lstrip()
    as_json = filename.lower().endswith(".json") or stripped.startswith(("[", "{"))
    if as_json:
        try:
            data = json.loads(text, parse_float=float)
        except json.JSONDecodeError as exc:
            raise FxFileInvalid(f"The file is not valid JSON: {exc.msg} (line {exc.lineno}).") from None
        raw_rows = data.get("rates") if isinstance(data, dict) else data
        if not isinstance(raw_rows, list):
            raise FxFileInvalid('The JSON must be a list of rates or an object with a "rates" list.')
        first = 1
    else:
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        missing = [f for f in FIELDS if f not in header]
        if missing:
            raise FxFileInvalid(f"The CSV header must name {', '.join(FIELDS)}; missing {', '.join(missing)}.")
        reader.fieldnames = header
        raw_rows = list(reader)
        first = 2  # the header is line 1
    if not raw_rows:
        raise FxFileInvalid("The file holds no rates.")
    rows, errors, seen = [], [], set()  # type: ignore[var-annotated]
    for index, raw in enumerate(raw_rows):
        row, problems = _check_row(index + first, raw, seen)
        errors += problems
        if row is not None:
            rows.append(row)
    if errors:
        raise FxFileInvalid("; ".join(errors[:20]) + (f" (and {len(errors) - 20} more)" if len(errors) > 20 else ""))
    return rows


@transaction.atomic
def rates_load(text: str, *, filename: str = "") -> int:
    """Store every rate of the file (all or none); a rate already stored for the same pair and time is
    replaced. Returns the number of rows loaded."""
    rows = rates_parse(text, filename=filename)
    for row in rows:
        FxRate.objects.update_or_create(
            base=row["base"],
            quote=row["quote"],
            as_of=row["as_of"],
            defaults={"rate": row["rate"], "source": row["source"], "loaded_at": clock.now()},
        )
    return len(rows)


def pay_currencies(base: str) -> list[str]:
    """The currencies an order in `base` can be paid in now (a fresh rate exists), besides `base`."""
    fresh = FxRate.objects.filter(base=base, as_of__gte=clock.now() - max_age())
    return sorted(set(fresh.values_list("quote", flat=True)))
