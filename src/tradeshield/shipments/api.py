"""Shipment endpoints: thin wrappers around shipments.services and selectors."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from pydantic import ValidationError

from tradeshield.kit.errors import Invalid
from tradeshield.kit.http import clamp_limit, page
from tradeshield.kit.schemas import ERROR_RESPONSES
from tradeshield.orders.render import render_order
from tradeshield.orders.schemas import OrderOut, ShipIn
from tradeshield.orders.selectors import order_get
from tradeshield.organizations.auth import API_AUTH, actor_of
from tradeshield.shipments import csv_import, services, webhook
from tradeshield.shipments.render import render_event, render_shipment, render_tracking
from tradeshield.shipments.schemas import (
    CarrierAck,
    CarrierEventIn,
    EventAck,
    ImportOut,
    ShipmentEventIn,
    ShipmentIn,
    ShipmentOut,
    ShipmentPage,
    TrackingOut,
)
from tradeshield.shipments.selectors import shipment_get, shipments_for_order, tracking_for_order

router = Router(tags=["shipments"], auth=API_AUTH)
ERRORS = ERROR_RESPONSES


@router.post(
    "/orders/{order_id}/ship",
    response={200: OrderOut, **ERRORS},
    summary="Mark as shipped: one shipment with everything not yet shipped, picked up now",
)
def ship_order(request: HttpRequest, order_id: str, payload: ShipIn) -> dict[str, Any]:
    actor = actor_of(request)
    services.order_ship(
        actor=actor,
        order_id=order_id,
        carrier=payload.carrier,
        tracking_number=payload.tracking_number,
        mode=payload.mode,
    )
    return render_order(order_get(actor, order_id))


@router.post(
    "/orders/{order_id}/shipments",
    response={201: ShipmentOut, **ERRORS},
    summary="Create a shipment (supplier); partial shipments name the lines and quantities they carry",
)
def create_shipment(request: HttpRequest, order_id: str, payload: ShipmentIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    shipment = services.shipment_create(
        actor=actor,
        order_id=order_id,
        mode=payload.mode,
        carrier=payload.carrier,
        tracking_number=payload.tracking_number,
        origin=payload.origin,
        destination=payload.destination,
        estimated_arrival=payload.estimated_arrival,
        lines=None
        if payload.lines is None
        else [services.LineQuantity(position=i.position, quantity=i.quantity) for i in payload.lines],
    )
    return Status(201, render_shipment(shipment_get(actor, shipment.id)))


@router.get("/orders/{order_id}/shipments", response={200: ShipmentPage, **ERRORS})
def list_shipments(
    request: HttpRequest, order_id: str, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    order = order_get(actor_of(request), order_id)
    size = clamp_limit(limit)
    shipments = shipments_for_order(order, cursor=cursor, limit=size + 1)
    return page(shipments, size, lambda s: s.id, render_shipment)


@router.get(
    "/orders/{order_id}/tracking",
    response={200: TrackingOut, **ERRORS},
    summary="Shipments, their events and ETAs, and whether the order is on time for its Incoterm",
)
def order_tracking(request: HttpRequest, order_id: str) -> dict[str, Any]:
    return render_tracking(tracking_for_order(actor_of(request), order_id))


@router.get("/shipments/{shipment_id}", response={200: ShipmentOut, **ERRORS})
def get_shipment(request: HttpRequest, shipment_id: str) -> dict[str, Any]:
    return render_shipment(shipment_get(actor_of(request), shipment_id))


@router.post(
    "/shipments/{shipment_id}/events",
    response={201: EventAck, 200: EventAck, **ERRORS},
    summary="Record a tracking event by hand (supplier); a repeat answers 200 with duplicate true",
)
def add_event(request: HttpRequest, shipment_id: str, payload: ShipmentEventIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    outcome = services.shipment_event_add(
        actor=actor,
        shipment_id=shipment_id,
        event=services.EventInput(
            kind=payload.kind,
            occurred_at=payload.occurred_at,
            location=payload.location,
            description=payload.description,
            eta=payload.eta,
            event_id=payload.event_id,
        ),
    )
    body = {
        "duplicate": outcome.duplicate,
        "event": render_event(outcome.event),
        "shipment": render_shipment(shipment_get(actor, shipment_id)),
    }
    return Status(200 if outcome.duplicate else 201, body)


CSV_BODY = {"requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}}


@router.post(
    "/shipment-events/import",
    response={200: ImportOut, **ERRORS},
    summary="Import tracking events from CSV (supplier): all rows or none; see docs/domains/shipments.md",
    openapi_extra=CSV_BODY,
)
def import_events(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    try:
        text = request.body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(_("The file must be UTF-8 CSV."), code="csv_row_invalid", field="row 1") from None
    result = services.events_import(actor=actor, rows=csv_import.parse(text))
    return {"imported": result.imported, "duplicates": result.duplicates, "order_ids": result.order_ids}


@router.post(
    "/carriers/{carrier}/events",
    response={200: CarrierAck, **ERRORS},
    auth=None,
    summary="Tracking event from a carrier (Standard Webhooks signature with the carrier's secret)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": CarrierEventIn.model_json_schema()}},
        }
    },
)
def carrier_event(request: HttpRequest, carrier: str) -> dict[str, Any]:
    code = services.carrier_code(carrier)
    message_id = webhook.verify_request(request, code)
    try:
        payload = CarrierEventIn.model_validate(json.loads(request.body))
    except (ValueError, ValidationError) as exc:
        raise Invalid(_("The body is not a valid carrier event."), code="carrier_event_invalid") from exc
    outcome = services.carrier_event_receive(
        carrier=code,
        message_id=message_id,
        tracking_number=payload.tracking_number,
        event=services.EventInput(
            kind=payload.kind,
            occurred_at=payload.occurred_at,
            location=payload.location,
            description=payload.description,
            eta=payload.eta,
        ),
    )
    return {
        "received": True,
        "duplicate": outcome.duplicate,
        "event_id": outcome.event.id,
        "shipment_id": outcome.event.shipment_id,
    }
