from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from tradeshield.kit.schemas import StrictIn


class SupplierLicenseIn(StrictIn):
    number: str = Field(..., max_length=60)
    issued_by: str = Field(..., max_length=120)
    scope: str = Field("", max_length=300)
    valid_from: date
    valid_to: date


class SupplierCertificationIn(StrictIn):
    standard: str = Field(..., max_length=60, description='e.g. "ISO 9001", "ISO 14001", "ISO 45001", "SA8000".')
    number: str = Field(..., max_length=60)
    body: str = Field(..., max_length=120, description="The certification body.")
    scope: str = Field("", max_length=300)
    valid_from: date
    valid_to: date


class SupplierApplicationIn(StrictIn):
    license_number: str = Field(..., max_length=60, description="Business license (registration) number.")
    license_country: str = Field(..., description="Issuing country, ISO 3166-1 alpha-2.")
    license_valid_from: date
    license_valid_to: date
    company_description: str = Field("", max_length=4000)
    production_licenses: list[SupplierLicenseIn] = Field(default_factory=list, max_length=20)
    certifications: list[SupplierCertificationIn] = Field(default_factory=list, max_length=50)


class SupplierCheckIn(StrictIn):
    ok: bool
    note: str = Field("", max_length=1000)


class SupplierChecklistIn(StrictIn):
    items: dict[str, SupplierCheckIn] = Field(
        ...,
        description="license, production_capability, quality_system, environmental, social_responsibility, "
        "intellectual_property",
    )


class SupplierDecisionIn(StrictIn):
    decision: Literal["approve", "reject", "request_info"]
    reasons: str = Field("", max_length=4000, description="Required to reject or to ask for more information.")
    checklist: dict[str, SupplierCheckIn] | None = None


class SupplierLicenseOut(Schema):
    id: str
    number: str
    issued_by: str
    scope: str
    valid_from: date
    valid_to: date


class SupplierCertificationOut(Schema):
    id: str
    standard: str
    number: str
    body: str
    scope: str
    valid_from: date
    valid_to: date


class SupplierDocumentOut(Schema):
    id: str
    kind: str
    title: str
    content_type: str
    size: int
    sha256: str
    valid_to: date | None
    created_at: datetime


class SupplierCheckOut(Schema):
    item: str
    label: str
    ok: bool
    note: str


class SupplierEventOut(Schema):
    kind: str
    actor: str
    reasons: str
    created_at: datetime


class SupplierApplicationOut(Schema):
    id: str
    supplier_id: str
    supplier_name: str
    status: str
    license_number: str
    license_country: str
    license_valid_from: date
    license_valid_to: date
    company_description: str
    production_licenses: list[SupplierLicenseOut]
    certifications: list[SupplierCertificationOut]
    documents: list[SupplierDocumentOut]
    checklist: list[SupplierCheckOut]
    decision_reasons: str
    submitted_at: datetime | None
    decided_at: datetime | None
    approved_at: datetime | None
    history: list[SupplierEventOut]
    created_at: datetime
    updated_at: datetime


class SupplierTrustCertOut(Schema):
    standard: str
    number: str
    body: str
    scope: str
    valid_to: date


class SupplierTrustOut(Schema):
    supplier_id: str
    name: str
    country: str
    qualification_status: str = Field(
        ..., description="qualified, suspended (license expired), pending, info_requested, rejected or none"
    )
    approved_at: datetime | None
    license_valid_to: date | None
    certifications: list[SupplierTrustCertOut]
    verified: bool
    verified_at: date | None
    verified_until: date | None


class SupplierVerificationRequestIn(StrictIn):
    agency_id: str = Field(..., max_length=40)
    supplier_id: str | None = Field(None, max_length=40, description="Reviewers assign a visit to a supplier.")


class SupplierAcceptIn(StrictIn):
    planned_date: date


class SupplierDeclineIn(StrictIn):
    reason: str = Field(..., max_length=2000)


class SupplierEquipmentIn(StrictIn):
    name: str = Field(..., max_length=200)
    quantity: int = Field(..., ge=1, le=1_000_000)
    capacity: str = Field("", max_length=200, description='e.g. "800 pcs/hour"')


class SupplierReportIn(StrictIn):
    visited_on: date
    factory_address: str = Field(..., max_length=400)
    latitude: str = Field(..., max_length=20, description="Decimal degrees, -90 to 90.")
    longitude: str = Field(..., max_length=20, description="Decimal degrees, -180 to 180.")
    staff_count: int = Field(..., ge=1, le=1_000_000)
    annual_capacity: str = Field("", max_length=200)
    findings: str = Field(..., max_length=10_000)
    equipment: list[SupplierEquipmentIn] = Field(default_factory=list, max_length=200)


class SupplierEquipmentOut(Schema):
    name: str
    quantity: int
    capacity: str


class SupplierPhotoOut(Schema):
    id: int
    kind: str
    caption: str
    content_type: str
    size: int
    sha256: str


class SupplierVerificationOut(Schema):
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
    equipment: list[SupplierEquipmentOut]
    photos: list[SupplierPhotoOut]
    reported_at: datetime | None
    created_at: datetime
    updated_at: datetime
