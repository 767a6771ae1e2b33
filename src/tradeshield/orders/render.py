"""Orders as the API returns them (the same dicts feed webhooks and the web UI)."""

from __future__ import annotations

from typing import Any

from tradeshield.kit.schemas import money
from tradeshield.orders.models import Amendment, Order, OrderEvent
from tradeshield.orders.selectors import escrow_summary, order_coverage


def render_order(order: Order) -> dict[str, Any]:
    cur = order.currency
    escrow = escrow_summary(order)
    coverage = order_coverage(order)
    return {
        "id": order.id,
        "status": order.status,
        "title": order.title,
        "buyer": {"id": order.buyer.id, "name": order.buyer.name, "country": order.buyer.country},
        "supplier": {"id": order.supplier.id, "name": order.supplier.name, "country": order.supplier.country},
        "initiated_by": order.initiated_by,
        "currency": cur,
        "incoterm": order.incoterm,
        "named_place": order.named_place,
        "ship_by_date": order.ship_by_date,
        "lead_time_days": order.lead_time_days,
        "inspection_required": order.inspection_required,
        "inspection_cleared_at": order.inspection_cleared_at,
        "notes": order.notes,
        "total": money(order.total_amount, cur),
        "terms_hash": order.terms_hash,
        "terms_version": order.terms_version,
        "buyer_confirmed_at": order.buyer_confirmed_at,
        "supplier_confirmed_at": order.supplier_confirmed_at,
        "lines": [
            {
                "position": line.position,
                "product_name": line.product_name,
                "specifications": line.specifications,
                "attributes": line.attributes,
                "quantity": str(line.quantity.normalize()),
                "unit": line.unit,
                "unit_price": money(line.unit_price, cur),
                "amount": money(line.amount, cur),
            }
            for line in order.lines.all()
        ],
        "milestones": [
            {
                "id": m.id,
                "position": m.position,
                "kind": m.kind,
                "percent": str(m.percent),
                "amount": money(m.amount, cur),
                "status": m.status,
                "paid_at": m.paid_at,
            }
            for m in order.milestones.all()
        ],
        "escrow": {
            "paid_in": money(escrow.paid_in, cur),
            "held": money(escrow.held, cur),
            "released": money(escrow.released, cur),
            "refunded": money(escrow.refunded, cur),
            "balance": money(escrow.balance, cur),
        },
        "coverage": {
            "limit": money(coverage.limit, cur),
            "covered": money(coverage.covered, cur),
            "not_covered": money(coverage.not_covered, cur),
        },
        "ship_deadline": order.ship_deadline,
        "test_clock_id": order.test_clock_id,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    }


def render_event(event: OrderEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "actor": event.actor,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "data": event.data,
        "created_at": event.created_at,
    }


def render_amendment(amendment: Amendment) -> dict[str, Any]:
    return {
        "id": amendment.id,
        "order_id": amendment.order_id,
        "proposed_by": amendment.proposed_by_id,
        "changes": amendment.changes,
        "reason": amendment.reason,
        "status": amendment.status,
        "created_at": amendment.created_at,
        "decided_at": amendment.decided_at,
    }
