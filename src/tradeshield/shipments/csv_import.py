"""Tracking events from a CSV file (a carrier's export, or the supplier's own spreadsheet).

Header row, then one event per row; columns in any order, unknown columns refused:

    tracking_number,kind,occurred_at,location,description,eta,event_id

* `tracking_number` (or `shipment_id`) names one of the supplier's shipments;
* `kind` is booked, picked_up, departed, arrived_at_port, customs, out_for_delivery, delivered or exception;
* `occurred_at` and `eta` are RFC 3339 with a zone (`2026-05-01T08:00:00Z`); `eta` may be a date;
* `location`, `description`, `eta`, `event_id` may be empty. Rows with the same `event_id` (or, without
  one, the same shipment, kind and time) as an event already recorded are skipped as repeats.

The file is all or nothing: any bad row is a 422 naming its row (the line of the file, the header
being row 1) and column, and nothing is imported.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tradeshield.shipments.errors import CsvInvalid
from tradeshield.shipments.models import EventKind
from tradeshield.shipments.services import EventInput, ImportRow

MAX_ROWS = 2000
REQUIRED = {"kind", "occurred_at"}
KNOWN = {"tracking_number", "shipment_id", "kind", "occurred_at", "location", "description", "eta", "event_id"}


def _fail(row: int, column: str, message: str) -> CsvInvalid:
    return CsvInvalid(
        _("Row %(row)s, column %(column)s: %(problem)s") % {"row": row, "column": column, "problem": message},
        field=f"row {row}: {column}",
    )


def parse_time(value: str, *, allow_date: bool = False) -> datetime:
    """RFC 3339 with a zone; a bare date (ETAs only) means midnight UTC."""
    text = value.strip()
    if allow_date and len(text) == 10:
        return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("no time zone")
    return moment.astimezone(UTC)


def _time(row: int, column: str, value: str, *, allow_date: bool = False) -> datetime:
    try:
        return parse_time(value, allow_date=allow_date)
    except ValueError:
        raise _fail(
            row,
            column,
            _("%(value)s is not an RFC 3339 time with a zone, e.g. 2026-05-01T08:00:00Z.") % {"value": repr(value)},
        ) from None


def parse(text: str) -> list[ImportRow]:
    try:
        return _parse(text)
    except csv.Error as error:
        raise CsvInvalid(_("The file is not valid CSV: %(error)s.") % {"error": error}, field="row 1") from None


def _parse(text: str) -> list[ImportRow]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    if not header:
        raise CsvInvalid(_("The file is empty; it needs a header row."), field="row 1")
    reader.fieldnames = header
    unknown = [name for name in header if name not in KNOWN]
    if unknown:
        raise _fail(1, unknown[0], _("unknown column; use %(columns)s.") % {"columns": ", ".join(sorted(KNOWN))})
    missing = sorted(REQUIRED - set(header))
    if missing:
        raise _fail(1, missing[0], _("this column is required."))
    if "tracking_number" not in header and "shipment_id" not in header:
        raise _fail(1, "tracking_number", _("give tracking_number or shipment_id."))
    rows: list[ImportRow] = []
    for record in reader:
        number = reader.line_num
        if None in record:
            raise _fail(number, "-", _("more values than columns in the header."))
        values = {key: (value or "").strip() for key, value in record.items()}
        if not any(values.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise CsvInvalid(
                ngettext("At most %(max)s row per file.", "At most %(max)s rows per file.", MAX_ROWS)
                % {"max": MAX_ROWS},
                field=f"row {number}",
            )
        if not values.get("tracking_number") and not values.get("shipment_id"):
            raise _fail(number, "tracking_number", _("empty; name the shipment."))
        kind = values.get("kind", "")
        if kind not in EventKind.values:
            raise _fail(
                number,
                "kind",
                _("%(kind)s is not one of %(kinds)s.") % {"kind": repr(kind), "kinds": ", ".join(EventKind.values)},
            )
        if not values.get("occurred_at"):
            raise _fail(number, "occurred_at", _("empty."))
        occurred_at = _time(number, "occurred_at", values["occurred_at"])
        eta = _time(number, "eta", values["eta"], allow_date=True) if values.get("eta") else None
        for column, limit in (("location", 200), ("description", 1000), ("event_id", 200)):
            if len(values.get(column, "")) > limit:
                raise _fail(
                    number,
                    column,
                    ngettext("longer than %(limit)s character.", "longer than %(limit)s characters.", limit)
                    % {"limit": limit},
                )
        rows.append(
            ImportRow(
                row=number,
                tracking_number=values.get("tracking_number", ""),
                shipment_id=values.get("shipment_id", ""),
                event=EventInput(
                    kind=kind,
                    occurred_at=occurred_at,
                    location=values.get("location", ""),
                    description=values.get("description", ""),
                    eta=eta,
                    event_id=values.get("event_id", ""),
                ),
            )
        )
    if not rows:
        raise CsvInvalid(_("The file has a header but no events."), field="row 2")
    return rows
