from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from tradeshield.kit.schemas import StrictIn


class LicenseIn(StrictIn):
    number: str = Field(..., max_length=60)
    issued_by: str = Field(..., max_length=120)
    scope: str = Field("", max_length=300)
    valid_from: date
    valid_to: date


class CertificationIn(StrictIn):
    standard: str = Field(..., max_length=60, description='e.g. "ISO 9001", "ISO 14001", "ISO 45001", "SA8000".')
    number: str = Field(..., max_length=60)
    body: str = Field(..., max_length=120, description="The certification body.")
    scope: str = Field("", max_length=300)
    valid_from: date
    valid_to: date


class ApplicationIn(StrictIn):
    license_number: str = Field(..., max_length=60, description="Business license (registration) number.")
    license_country: str = Field(..., description="Issuing country, ISO 3166-1 alpha-2.")
    license_valid_from: date
    license_valid_to: date
    company_description: str = Field("", max_length=4000)
    production_licenses: list[LicenseIn] = Field(default_factory=list, max_length=20)
    certifications: list[CertificationIn] = Field(default_factory=list, max_length=50)


class CheckIn(StrictIn):
    ok: bool
    note: str = Field("", max_length=1000)


class ChecklistIn(StrictIn):
    items: dict[str, CheckIn] = Field(
        ...,
        description="license, production_capability, quality_system, environmental, social_responsibility, "
        "intellectual_property",
    )


class DecisionIn(StrictIn):
    decision: Literal["approve", "reject", "request_info"]
    reasons: str = Field("", max_length=4000, description="Required to reject or to ask for more information.")
    checklist: dict[str, CheckIn] | None = None


class LicenseOut(Schema):
    id: str
    number: str
    issued_by: str
    scope: str
    valid_from: date
    valid_to: date


class CertificationOut(Schema):
    id: str
    standard: str
    number: str
    body: str
    scope: str
    valid_from: date
    valid_to: date


class DocumentOut(Schema):
    id: str
    kind: str
    title: str
    content_type: str
    size: int
    sha256: str
    valid_to: date | None
    created_at: datetime


class CheckOut(Schema):
    item: str
    label: str
    ok: bool
    note: str


class EventOut(Schema):
    kind: str
    actor: str
    reasons: str
    created_at: datetime


class ApplicationOut(Schema):
    id: str
    supplier_id: str
    supplier_name: str
    status: str
    license_number: str
    license_country: str
    license_valid_from: date
    license_valid_to: date
    company_description: str
    production_licenses: list[LicenseOut]
    certifications: list[CertificationOut]
    documents: list[DocumentOut]
    checklist: list[CheckOut]
    decision_reasons: str
    submitted_at: datetime | None
    decided_at: datetime | None
    approved_at: datetime | None
    history: list[EventOut]
    created_at: datetime
    updated_at: datetime


class TrustCertOut(Schema):
    standard: str
    number: str
    body: str
    scope: str
    valid_to: date


class TrustOut(Schema):
    supplier_id: str
    name: str
    country: str
    qualification_status: str = Field(
        ..., description="qualified, suspended (license expired), pending, info_requested, rejected or none"
    )
    approved_at: datetime | None
    license_valid_to: date | None
    certifications: list[TrustCertOut]
    verified: bool
    verified_at: date | None
    verified_until: date | None


class VerificationRequestIn(StrictIn):
    agency_id: str = Field(..., max_length=40)
    supplier_id: str | None = Field(None, max_length=40, description="Reviewers assign a visit to a supplier.")


class AcceptIn(StrictIn):
    planned_date: date


class DeclineIn(StrictIn):
    reason: str = Field(..., max_length=2000)


class EquipmentIn(StrictIn):
    name: str = Field(..., max_length=200)
    quantity: int = Field(..., ge=1, le=1_000_000)
    capacity: str = Field("", max_length=200, description='e.g. "800 pcs/hour"')


class ReportIn(StrictIn):
    visited_on: date
    factory_address: str = Field(..., max_length=400)
    latitude: str = Field(..., max_length=20, description="Decimal degrees, -90 to 90.")
    longitude: str = Field(..., max_length=20, description="Decimal degrees, -180 to 180.")
    staff_count: int = Field(..., ge=1, le=1_000_000)
    annual_capacity: str = Field("", max_length=200)
    findings: str = Field(..., max_length=10_000)
    equipment: list[EquipmentIn] = Field(default_factory=list, max_length=200)


class EquipmentOut(Schema):
    name: str
    quantity: int
    capacity: str


class PhotoOut(Schema):
    id: int
    kind: str
    caption: str
    content_type: str
    size: int
    sha256: str


class VerificationOut(Schema):
    id: str
    supplier_id: str
    supplier_name: str
    agency_id: str
    agency_name: str
    status: str
    requested_by: str
    planned_date: date | None
    visited_on: date | None
    verified_until: date | None
    factory_address: str
    latitude: str | None
    longitude: str | None
    staff_count: int | None
    annual_capacity: str
    findings: str
    equipment: list[EquipmentOut]
    photos: list[PhotoOut]
    reported_at: datetime | None
    created_at: datetime
    updated_at: datetime
