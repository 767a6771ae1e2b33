"""The canonical form of an order's terms and its SHA-256, frozen when both sides confirm."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tradeshield.orders.models import Order


def canonical_terms(order: Order) -> dict[str, Any]:
    return {
        "buyer": order.buyer_id,
        "supplier": order.supplier_id,
        "title": order.title,
        "currency": order.currency,
        "incoterm": order.incoterm,
        "named_place": order.named_place,
        "ship_by_date": order.ship_by_date.isoformat() if order.ship_by_date else None,
        "lead_time_days": order.lead_time_days,
        "inspection_required": order.inspection_required,
        "notes": order.notes,
        "total_amount": order.total_amount,
        "lines": [
            {
                "product_name": line.product_name,
                "specifications": line.specifications,
                "attributes": line.attributes,
                "quantity": str(line.quantity.normalize()),
                "unit": line.unit,
                "unit_price": line.unit_price,
                "amount": line.amount,
            }
            for line in order.lines.all().order_by("position")
        ],
        "milestones": [
            {"kind": m.kind, "percent": str(m.percent), "amount": m.amount}
            for m in order.milestones.all().order_by("position")
        ],
        "version": order.terms_version,
    }


def terms_hash(order: Order) -> str:
    payload = json.dumps(canonical_terms(order), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()
