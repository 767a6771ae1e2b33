from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from tradeshield.kit.schemas import MoneySchema, StrictIn
from tradeshield.payments.schemas import CardIn


class SamplingPlanOut(Schema):
    lot_size: int
    level: str
    aql: str
    code_letter: str = Field(..., description="Table I code letter for the lot size and level.")
    plan_letter: str = Field(..., description="The letter actually used after the master table's arrows.")
    sample_size: int
    accept: int = Field(..., description="Accept the lot with this many defects or fewer.")
    reject: int = Field(..., description="Reject it with this many or more.")
    inspect_whole_lot: bool = Field(..., description="The sample is the whole lot (100 % inspection).")
    arrow: str = Field(..., description='"down", "up" or "" when the table pointed to another row.')


class AgencyOut(Schema):
    id: str
    name: str
    country: str
    accreditation: str
    accreditation_body: str
    accreditation_number: str
    accredited_until: date
    countries: list[str]
    fee_usd: MoneySchema
    report_due_hours: int


class AqlsIn(StrictIn):
    critical: Decimal | None = None
    major: Decimal | None = None
    minor: Decimal | None = None


class PlanIn(StrictIn):
    level: Literal["I", "II", "III"] = "II"
    aqls: AqlsIn = Field(default_factory=AqlsIn)
    agency_id: str | None = None


class PlanOut(Schema):
    order_id: str
    level: str
    aqls: dict[str, str]
    agency_id: str | None
    rework_due_at: datetime | None
    frozen: bool


class VisitIn(StrictIn):
    lot_size: int = Field(..., description="Units in the lot to be sampled.")
    packed_percent: int = Field(..., description="How much of the order is packed (at least 80).")
    ready_date: date
    site_address: str = Field(..., min_length=1, max_length=300)
    agency_id: str | None = Field(None, description="Required unless the buyer already chose the agency.")


class FeePaymentIn(StrictIn):
    card: CardIn


class ScheduleIn(StrictIn):
    visit_date: date
    inspector_id: str


class MeasurementIn(StrictIn):
    line: int = Field(..., ge=1, description="Order line position.")
    name: str = Field(..., min_length=1, max_length=100, description="The agreed attribute's name.")
    measured: str = Field(..., min_length=1, max_length=100)


class ReportIn(StrictIn):
    critical_found: int = Field(..., ge=0, le=1_000_000)
    major_found: int = Field(..., ge=0, le=1_000_000)
    minor_found: int = Field(..., ge=0, le=1_000_000)
    summary: str = Field(..., min_length=1, max_length=10_000)
    photo_ids: list[str] = Field(..., max_length=50)
    measurements: list[MeasurementIn] = Field(default_factory=list, max_length=200)
    passed_override: bool | None = Field(None, description="Only with override_reason: overrides the computed verdict.")
    override_reason: str = Field("", max_length=5000)


class DecisionIn(StrictIn):
    choice: Literal["accept", "rework", "cancel"]
    reason: str = Field("", max_length=2000)


class CancelVisitIn(StrictIn):
    reason: str = Field("", max_length=2000)


class PhotoOut(Schema):
    id: str
    sha256: str
    size: int
    content_type: str
    name: str


class ClassResultOut(Schema):
    defect_class: str
    aql: str
    code_letter: str
    sample_size: int
    accept: int
    reject: int
    found: int
    passed: bool


class ReportOut(Schema):
    critical_found: int
    major_found: int
    minor_found: int
    sample_size: int
    classes: list[ClassResultOut]
    measurements: list[dict[str, object]]
    summary: str
    computed_passed: bool
    passed: bool
    override_reason: str
    photos: list[PhotoOut]
    filed_at: datetime


class InspectionOut(Schema):
    id: str
    order_id: str
    agency: dict[str, str]
    status: str
    is_reinspection: bool
    level: str
    aqls: dict[str, str]
    lot_size: int
    packed_percent: int
    ready_date: date
    site_address: str
    fee: MoneySchema
    fee_payer: str
    fee_paid_at: datetime | None
    fee_refunded: MoneySchema
    scheduled_for: date | None
    inspector_id: str | None
    report_due_at: datetime | None
    report_overdue: bool
    decision: str
    decided_at: datetime | None
    report: ReportOut | None
    created_at: datetime
    updated_at: datetime


class InspectionRecordOut(Schema):
    supplier_id: str
    inspected_orders: int
    passed_first_time: int
    reports: int
    reports_passed: int
    pass_rate: str | None = Field(..., description="Share of inspected orders that passed first time, 0..1.")
