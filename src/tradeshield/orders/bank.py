"""Bank statements: each CSV row is a receipt applied like a signed bank notification."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from tradeshield.kit.errors import DomainError, Invalid
from tradeshield.kit.money import from_major
from tradeshield.orders import paying

STATEMENT_COLUMNS = ["bank_transaction_id", "value_date", "reference", "amount", "currency", "payer_name"]


def statement_import(text: str) -> dict[str, Any]:
    """Apply a CSV bank statement. Each row is its own transaction; bad rows are reported, not fatal.

    Rows are idempotent by bank_transaction_id, so importing the same statement twice changes nothing.
    """
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or set(STATEMENT_COLUMNS) - set(reader.fieldnames):
        raise Invalid(
            _("The statement needs the columns %(columns)s.") % {"columns": ", ".join(STATEMENT_COLUMNS)},
            code="statement_invalid",
        )
    result: dict[str, Any] = {"rows": 0, "matched": 0, "unmatched": 0, "replayed": 0, "errors": []}
    for number, row in enumerate(reader, start=2):
        result["rows"] += 1
        try:
            currency = (row["currency"] or "").strip().upper()
            outcome = paying.bank_receipt_apply(
                bank_transaction_id=row["bank_transaction_id"].strip(),
                reference=row["reference"] or "",
                amount=from_major(Decimal(row["amount"].strip()), currency),
                currency=currency,
                value_date=date.fromisoformat(row["value_date"].strip()),
                source="statement",
                payer_name=row.get("payer_name") or "",
            )
        except (DomainError, InvalidOperation, ValueError, AttributeError) as exc:
            result["errors"].append(
                _("line %(number)s: %(problem)s")
                % {"number": number, "problem": getattr(exc, "message", None) or _("unreadable value")}
            )
            continue
        key = "replayed" if outcome.replay else outcome.receipt.status
        result[key] += 1
    return result
