from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from tradeshield.kit.schemas import StrictIn

ModeIn = Literal["sea", "air", "express", "rail", "road"]
KindIn = Literal[
    "booked", "picked_up", "departed", "arrived_at_port", "customs", "out_for_delivery", "delivered", "exception"
]


class ShipmentLineIn(StrictIn):
    position: int = Field(..., ge=1, description="The order line's position (1, 2, …).")
    quantity: Decimal = Field(..., description='Decimal string, at most what is left to ship, e.g. "400".')


class ShipmentIn(StrictIn):
    mode: ModeIn
    carrier: str = Field(..., min_length=1, max_length=100)
    tracking_number: str = Field(..., min_length=1, max_length=100, description="Or the bill-of-lading number.")
    origin: str = Field("", max_length=200, description="Port or place of departure.")
    destination: str = Field("", max_length=200, description="Port or place of arrival.")
    estimated_arrival: datetime | None = None
    lines: list[ShipmentLineIn] | None = Field(
        None, max_length=100, description="What this shipment carries; omit for everything not yet shipped."
    )


class ShipmentEventIn(StrictIn):
    kind: KindIn
    occurred_at: datetime = Field(..., description="When it happened (RFC 3339), not when it is reported.")
    location: str = Field("", max_length=200)
    description: str = Field("", max_length=1000)
    eta: datetime | None = Field(None, description="A new estimated arrival, if the event brings one.")
    event_id: str = Field("", max_length=200, description="Your id for the event; a repeat is acknowledged once.")


class CarrierEventIn(StrictIn):
    tracking_number: str = Field(..., min_length=1, max_length=100)
    kind: KindIn
    occurred_at: datetime
    location: str = Field("", max_length=200)
    description: str = Field("", max_length=1000)
    eta: datetime | None = None


class ShipmentLineOut(Schema):
    position: int
    product_name: str
    quantity: str
    unit: str


class ShipmentEventOut(Schema):
    id: str
    kind: str
    occurred_at: datetime
    received_at: datetime
    location: str
    description: str
    eta: datetime | None
    source: str
    actor: str


class EtaRevisionOut(Schema):
    eta: datetime
    revised_at: datetime
    source: str


class ShipmentOut(Schema):
    id: str
    order_id: str
    status: str
    mode: str
    carrier: str
    carrier_code: str = Field(..., description="Where the carrier posts events: /carriers/{carrier_code}/events.")
    tracking_number: str
    origin: str
    destination: str
    estimated_arrival: datetime | None = Field(..., description="The ETA given when the shipment was created.")
    eta: datetime | None = Field(..., description="The latest ETA.")
    handed_over_at: datetime | None
    delivered_at: datetime | None
    lines: list[ShipmentLineOut]
    events: list[ShipmentEventOut] = Field(..., description="In the order they happened (occurred_at).")
    eta_history: list[EtaRevisionOut]
    created_at: datetime
    updated_at: datetime


class ShipmentPage(Schema):
    data: list[ShipmentOut]
    next_cursor: str | None


class EventAck(Schema):
    duplicate: bool = Field(..., description="True when this event was recorded before; nothing changed.")
    event: ShipmentEventOut
    shipment: ShipmentOut


class CarrierAck(Schema):
    received: bool
    duplicate: bool
    event_id: str
    shipment_id: str


class ImportOut(Schema):
    imported: int
    duplicates: int
    order_ids: list[str]


class OnTimeOut(Schema):
    measured_at: Literal["handover", "delivery"] = Field(
        ..., description="E/F/C Incoterms: hand-over to the carrier; D rules (DAP, DPU, DDP): delivery."
    )
    deadline: date | None
    status: Literal["on_time", "late", "pending", "at_risk", "overdue", "no_deadline"]
    days_late: int
    met_at: datetime | None
    expected_at: datetime | None
    running_late: bool


class TrackingOut(Schema):
    order_id: str
    order_status: str
    incoterm: str
    shipped_at: datetime | None
    delivered_at: datetime | None
    on_time: OnTimeOut
    held_by_inspection: bool = Field(
        ..., description="A carrier has the goods but the order waits for its pre-shipment inspection to clear."
    )
    remaining: list[ShipmentLineOut] = Field(..., description="What no shipment carries yet.")
    shipments: list[ShipmentOut]
