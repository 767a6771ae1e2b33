from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from tradeshield.kit.schemas import MoneySchema, StrictIn


class AttributeIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=100)
    value: str = Field(..., max_length=200)
    unit: str = Field("", max_length=20)
    tolerance: str = Field("", max_length=50)


class LineIn(StrictIn):
    product_name: str = Field(..., min_length=1, max_length=200)
    specifications: str = Field("", max_length=5000)
    attributes: list[AttributeIn] = Field(default_factory=list, max_length=50)
    quantity: Decimal = Field(..., description='Decimal string, up to 3 decimals, e.g. "1500" or "2.5".')
    unit: str = Field(..., min_length=1, max_length=20)
    unit_price: MoneySchema


class PaymentPlanIn(StrictIn):
    deposit_percent: Decimal | None = Field(
        None, description='Deposit as a percent string, e.g. "30"; omit to pay in full.'
    )


class OrderIn(StrictIn):
    buyer_id: str | None = Field(None, description="When a supplier issues the order.")
    supplier_id: str | None = Field(None, description="When a buyer requests the order.")
    title: str = Field(..., min_length=1, max_length=200)
    currency: str = Field(..., min_length=3, max_length=3)
    incoterm: str = Field(..., min_length=3, max_length=3)
    named_place: str = Field(..., min_length=1, max_length=200)
    ship_by_date: date | None = None
    lead_time_days: int | None = Field(None, ge=1, le=365)
    payment_plan: PaymentPlanIn = Field(default_factory=lambda: PaymentPlanIn(deposit_percent=None))
    inspection_required: bool = False
    notes: str = Field("", max_length=5000)
    lines: list[LineIn] = Field(..., min_length=1, max_length=100)


class ConfirmIn(StrictIn):
    terms_hash: str | None = Field(None, description="The hash you reviewed; refused if the terms changed since.")


class ShipIn(StrictIn):
    carrier: str = Field(..., min_length=1, max_length=100)
    tracking_number: str = Field(..., min_length=1, max_length=100)
    mode: Literal["sea", "air", "express", "rail", "road", ""] = ""


class CancelIn(StrictIn):
    reason: str = Field("", max_length=1000)


class RefundIn(StrictIn):
    amount: MoneySchema
    reason: str = Field(..., min_length=1, max_length=1000)


class AmendmentIn(StrictIn):
    changes: dict[str, Any]
    reason: str = Field("", max_length=1000)


class OrgRef(Schema):
    id: str
    name: str
    country: str


class LineOut(Schema):
    position: int
    product_name: str
    specifications: str
    attributes: list[dict[str, Any]]
    quantity: str
    unit: str
    unit_price: MoneySchema
    amount: MoneySchema


class MilestoneOut(Schema):
    id: str
    position: int
    kind: str
    percent: str
    amount: MoneySchema
    status: str
    paid_at: datetime | None


class EscrowOut(Schema):
    paid_in: MoneySchema
    held: MoneySchema
    released: MoneySchema
    refunded: MoneySchema
    balance: MoneySchema


class CoverageOut(Schema):
    limit: MoneySchema
    covered: MoneySchema
    not_covered: MoneySchema = Field(..., description="The part of the order above the supplier's limit.")


class OrderOut(Schema):
    id: str
    status: str
    title: str
    buyer: OrgRef
    supplier: OrgRef
    initiated_by: str
    currency: str
    incoterm: str
    named_place: str
    ship_by_date: date | None
    lead_time_days: int | None
    inspection_required: bool
    inspection_cleared_at: datetime | None = Field(
        None, description="When a passed inspection (or the buyer's acceptance) cleared the goods to ship."
    )
    notes: str
    total: MoneySchema
    terms_hash: str
    terms_version: int
    buyer_confirmed_at: datetime | None
    supplier_confirmed_at: datetime | None
    lines: list[LineOut]
    milestones: list[MilestoneOut]
    escrow: EscrowOut
    coverage: CoverageOut
    ship_deadline: date | None = Field(..., description="By when the goods must ship (or arrive, for D rules).")
    test_clock_id: str | None
    created_at: datetime
    updated_at: datetime


class OrderEventOut(Schema):
    kind: str
    actor: str
    from_status: str
    to_status: str
    data: dict[str, Any]
    created_at: datetime


class OrderPage(Schema):
    data: list[OrderOut]
    next_cursor: str | None


class AmendmentOut(Schema):
    id: str
    order_id: str
    proposed_by: str
    changes: dict[str, Any]
    reason: str
    status: str
    created_at: datetime
    decided_at: datetime | None
