"""`summary.pdf` of an evidence bundle: terms and their hash, timeline, payments, messages, decisions.

Written with fpdf2's built-in Helvetica, which covers Latin-1 only: other characters (Chinese,
Arabic, Cyrillic...) print as "?" here. The exact text is always in `case.json`, which the PDF names.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fpdf import FPDF


def _text(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    return text.encode("latin-1", "replace").decode("latin-1")


class _Pdf(FPDF):
    def heading(self, title: str) -> None:
        self.set_font("Helvetica", "B", 12)
        self.ln(3)
        self.multi_cell(0, 7, _text(title), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", "", 9)

    def line_of(self, text: Any) -> None:
        self.multi_cell(0, 5, _text(text), new_x="LMARGIN", new_y="NEXT")


def summary_pdf(case: dict[str, Any], audit: dict[str, Any], generated_at: datetime) -> bytes:
    order = case["order"]
    pdf = _Pdf()
    pdf.set_title(f"Evidence bundle {order['id']}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, _text(f"Evidence bundle: order {order['id']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.line_of(
        f"Generated {generated_at.isoformat()}. Audit chain head {audit['head']} ({len(audit['entries'])} entries)."
    )
    pdf.line_of("Exact texts are in case.json; non-Latin characters print as '?' in this PDF.")

    pdf.heading("Terms")
    pdf.line_of(f"{order['title']} - {order['buyer']['name']} (buyer) / {order['supplier']['name']} (supplier)")
    pdf.line_of(
        f"Total {order['total_amount']} {order['currency']} (minor units), {order['incoterm']} {order['named_place']}"
    )
    pdf.line_of(f"Terms version {order['terms_version']}, SHA-256 {order['terms_hash']}")
    for line in order["lines"]:
        pdf.line_of(
            f"- {line['product_name']}: {line['quantity']} {line['unit']} x {line['unit_price']} = {line['amount']}"
        )

    pdf.heading("Timeline")
    for event in case["events"]:
        arrow = f" {event['from_status']} -> {event['to_status']}" if event["to_status"] else ""
        pdf.line_of(f"{event['created_at']}  {event['kind']}{arrow}  ({event['actor']})")

    pdf.heading("Payments")
    for payment in case["payments"]:
        pdf.line_of(f"{payment.get('id')}  {payment.get('status')}  {payment.get('amount')}  {payment.get('method')}")

    pdf.heading("Messages")
    for message in case["messages"]:
        pdf.line_of(f"{message['at']}  {message['author']}: {message['body']}")

    pdf.heading("Disputes and decisions")
    for dispute in case["disputes"]:
        pdf.line_of(f"{dispute['id']}: {dispute['reason']}, asks {dispute['remedy']} {dispute['requested_amount']}")
        evidence = len(dispute["evidence"])
        pdf.line_of(f"Status {dispute['status']}, outcome {dispute['outcome'] or '-'}, {evidence} evidence file(s)")
        pdf.line_of(dispute["description"])
    return bytes(pdf.output())
