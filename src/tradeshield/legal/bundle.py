"""Building the evidence bundle of an order: one ZIP a party can hand to a lawyer or a court.

Contents: `case.json` (order, terms, lines, milestones, events, payments, messages, disputes),
`audit.json` (the order's hash-chained audit entries), `summary.pdf` (the same, for people),
`files/<id>-<name>` (the original dispute evidence and message attachments, byte for byte) and
`manifest.json` (size and SHA-256 of every other file, the order id, the generation time and the
audit chain head). `tradeshield verify-bundle` checks it without the platform (legal/verify.py).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from tradeshield.audit.models import AuditEntry
from tradeshield.audit.services import verify_order
from tradeshield.disputes.models import Dispute
from tradeshield.files import services as files
from tradeshield.files.models import StoredFile
from tradeshield.kit import clock
from tradeshield.kit.errors import DomainError
from tradeshield.legal.summary import summary_pdf
from tradeshield.messaging.models import Message
from tradeshield.orders.models import Order
from tradeshield.orders.render import render_event
from tradeshield.payments.render import render_payment
from tradeshield.payments.selectors import payments_for_order

BUNDLE_FORMAT = "tradeshield-evidence-bundle/1"


@dataclass(frozen=True)
class Bundle:
    filename: str
    data: bytes
    sha256: str


def _json(value: Any) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, indent=2, sort_keys=True, ensure_ascii=False).encode()


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:80] or "file"


def _order(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "title": order.title,
        "status": order.status,
        "buyer": {"id": order.buyer_id, "name": order.buyer.name},
        "supplier": {"id": order.supplier_id, "name": order.supplier.name},
        "currency": order.currency,
        "total_amount": order.total_amount,
        "incoterm": order.incoterm,
        "named_place": order.named_place,
        "ship_by_date": order.ship_by_date,
        "terms_version": order.terms_version,
        "terms_hash": order.terms_hash,
        "buyer_confirmed_at": order.buyer_confirmed_at,
        "supplier_confirmed_at": order.supplier_confirmed_at,
        "created_at": order.created_at,
        "lines": [
            {
                "product_name": line.product_name,
                "specifications": line.specifications,
                "quantity": str(line.quantity),
                "unit": line.unit,
                "unit_price": line.unit_price,
                "amount": line.amount,
            }
            for line in order.lines.order_by("position")
        ],
        "milestones": [
            {"id": m.id, "kind": m.kind, "percent": str(m.percent), "amount": m.amount, "status": m.status}
            for m in order.milestones.order_by("position")
        ],
    }


def _dispute(dispute: Dispute, attach: dict[str, StoredFile]) -> dict[str, Any]:
    evidence = []
    for item in dispute.evidence.select_related("file"):
        attach[item.file_id] = item.file
        evidence.append({"side": item.side, "note": item.note, "file": item.file_id, "sha256": item.file.sha256})
    return {
        "id": dispute.id,
        "stage": dispute.stage,
        "status": dispute.status,
        "outcome": dispute.outcome,
        "reason": dispute.reason,
        "remedy": dispute.remedy,
        "description": dispute.description,
        "disputed_amount": dispute.disputed_amount,
        "requested_amount": dispute.requested_amount,
        "evidence": evidence,
    }


def _messages(order: Order, attach: dict[str, StoredFile]) -> list[dict[str, Any]]:
    rendered = []
    for message in Message.objects.filter(thread__order=order).order_by("created_at").prefetch_related("attachments"):
        names = []
        for stored in message.attachments.all():
            attach[stored.id] = stored
            names.append(stored.id)
        rendered.append(
            {"at": message.created_at, "author": message.author_label, "body": message.body, "attachments": names}
        )
    return rendered


def case_data(order: Order) -> tuple[dict[str, Any], dict[str, StoredFile]]:
    attach: dict[str, StoredFile] = {}
    case = {
        "order": _order(order),
        "events": [render_event(e) for e in order.events.order_by("created_at", "id")],
        "payments": [render_payment(p) for p in payments_for_order(order.id)],
        "messages": _messages(order, attach),
        "disputes": [_dispute(d, attach) for d in Dispute.objects.filter(order=order).order_by("created_at", "id")],
    }
    return case, attach


def audit_data(order: Order) -> dict[str, Any]:
    report = verify_order(order.id)
    entries = AuditEntry.objects.filter(order_id=order.id).order_by("seq")
    return {
        "order_id": order.id,
        "algorithm": "hash = sha256(prev_hash || payload); the first prev_hash is 64 zeros",
        "verified_by_platform": report.ok,
        "problem": report.problem,
        "head": report.head,
        "entries": [
            {"seq": e.seq, "payload": e.payload, "prev_hash": e.prev_hash, "hash": e.hash, "recorded_at": e.recorded_at}
            for e in entries
        ],
    }


def build_bundle(order: Order) -> Bundle:
    """The bundle's bytes. Files that fail their own integrity check are left out and named in the manifest."""
    generated_at = clock.now()
    case, attach = case_data(order)
    audit = audit_data(order)
    contents: dict[str, bytes] = {"case.json": _json(case), "audit.json": _json(audit)}
    unreadable = []
    for file_id, stored in sorted(attach.items()):
        try:
            contents[f"files/{file_id}-{_safe_name(stored.name)}"] = files.file_read(stored)
        except DomainError as error:
            unreadable.append({"file": file_id, "problem": str(error.message)})
    contents["summary.pdf"] = summary_pdf(case, audit, generated_at)
    manifest = {
        "format": BUNDLE_FORMAT,
        "order_id": order.id,
        "generated_at": generated_at,
        "audit_head": audit["head"],
        "audit_entries": len(audit["entries"]),
        "unreadable_files": unreadable,
        "files": {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)} for name, data in contents.items()
        },
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", _json(manifest))
        for name, data in contents.items():
            archive.writestr(name, data)
    data = buffer.getvalue()
    return Bundle(f"evidence-{order.id}.zip", data, hashlib.sha256(data).hexdigest())
