"""Shipments as the API returns them (the web pages use the same dicts)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tradeshield.orders.models import LineItem
from tradeshield.shipments import tracking
from tradeshield.shipments.models import Shipment, ShipmentEvent
from tradeshield.shipments.selectors import Tracking


def quantity_text(value: Decimal) -> str:
    """1000.000 → "1000", 2.500 → "2.5" (never "1E+3")."""
    return format(value.normalize(), "f") if value else "0"


def render_event(event: ShipmentEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "kind": event.kind,
        "occurred_at": event.occurred_at,
        "received_at": event.received_at,
        "location": event.location,
        "description": event.description,
        "eta": event.new_eta,
        "source": event.source,
        "actor": event.actor,
    }


def render_shipment(shipment: Shipment) -> dict[str, Any]:
    events = tracking.chronological(list(shipment.events.all()))
    return {
        "id": shipment.id,
        "order_id": shipment.order_id,
        "status": shipment.status,
        "mode": shipment.mode,
        "carrier": shipment.carrier,
        "carrier_code": shipment.carrier_code,
        "tracking_number": shipment.tracking_number,
        "origin": shipment.origin,
        "destination": shipment.destination,
        "estimated_arrival": shipment.estimated_arrival,
        "eta": shipment.eta,
        "handed_over_at": shipment.handed_over_at,
        "delivered_at": shipment.delivered_at,
        "lines": [
            {
                "position": part.line.position,
                "product_name": part.line.product_name,
                "quantity": quantity_text(part.quantity),
                "unit": part.line.unit,
            }
            for part in shipment.lines.all()
        ],
        "events": [render_event(e) for e in events],
        "eta_history": [
            {"eta": r.eta, "revised_at": r.revised_at, "source": r.source}
            for r in tracking.eta_history(events, shipment.estimated_arrival, shipment.created_at)
        ],
        "created_at": shipment.created_at,
        "updated_at": shipment.updated_at,
    }


def remaining_lines(lines: list[LineItem], shipments: list[Shipment]) -> list[dict[str, Any]]:
    carried: dict[int, Decimal] = {}
    for shipment in shipments:
        for part in shipment.lines.all():
            carried[part.line_id] = carried.get(part.line_id, Decimal(0)) + part.quantity
    return [
        {
            "position": line.position,
            "product_name": line.product_name,
            "quantity": quantity_text(line.quantity - carried.get(line.id, Decimal(0))),
            "unit": line.unit,
        }
        for line in lines
        if line.quantity > carried.get(line.id, Decimal(0))
    ]


def render_tracking(view: Tracking) -> dict[str, Any]:
    order, judgement = view.order, view.judgement
    return {
        "order_id": order.id,
        "order_status": order.status,
        "incoterm": order.incoterm,
        "shipped_at": order.shipped_at,
        "delivered_at": order.delivered_at,
        "on_time": {
            "measured_at": judgement.measured_at,
            "deadline": judgement.deadline,
            "status": judgement.status,
            "days_late": judgement.days_late,
            "met_at": judgement.met_at,
            "expected_at": judgement.expected_at,
            "running_late": judgement.running_late,
        },
        "held_by_inspection": view.held_by_inspection,
        "remaining": remaining_lines(view.lines, view.shipments),
        "shipments": [render_shipment(s) for s in view.shipments],
    }
