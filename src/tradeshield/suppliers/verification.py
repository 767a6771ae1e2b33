"""On-site verification: a supplier (or a reviewer) asks an inspection agency to visit the factory;
the agency accepts with a date, uploads photos and files the report. The supplier then carries a
"verified" badge from the visit date for `BADGE_MONTHS` months."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from tradeshield.files import services as files
from tradeshield.kit import clock
from tradeshield.organizations.actors import Actor
from tradeshield.organizations.models import Organization, OrgKind
from tradeshield.suppliers.errors import (
    ApplicationStateError,
    QualificationInvalid,
    ReviewerRequired,
    VerificationNotFound,
)
from tradeshield.suppliers.models import (
    Equipment,
    PhotoKind,
    Verification,
    VerificationPhoto,
    VerificationStatus,
)
from tradeshield.suppliers.services import REVIEWER_ROLES, record_event, require_supplier, store_upload, supplier_of

PHOTO_PURPOSE = "verification_photo"
MAX_PHOTOS = 60
MAX_EQUIPMENT = 200
OPEN = (VerificationStatus.REQUESTED, VerificationStatus.ACCEPTED)


@dataclass(frozen=True)
class EquipmentInput:
    name: str
    quantity: int
    capacity: str = ""


@dataclass(frozen=True)
class ReportInput:
    visited_on: date
    factory_address: str
    latitude: str
    longitude: str
    staff_count: int
    annual_capacity: str
    findings: str
    equipment: list[EquipmentInput] = field(default_factory=list)


def _agency(agency_id: str) -> Organization:
    agency = Organization.objects.filter(pk=agency_id, kind=OrgKind.INSPECTION_AGENCY).first()
    if agency is None:
        raise QualificationInvalid(_("No inspection agency with this id."), field="agency_id", code="agency_not_found")
    return agency


@transaction.atomic
def verification_request(*, actor: Actor, agency_id: str, supplier_id: str | None = None) -> Verification:
    """The supplier asks for itself; a reviewer or admin may assign a visit to any supplier."""
    if actor.organization is None and actor.staff_role in REVIEWER_ROLES:
        if not supplier_id:
            raise QualificationInvalid(_("Name the supplier to visit."), field="supplier_id", code="missing_field")
        supplier = supplier_of(supplier_id)
    else:
        supplier = require_supplier(actor)
        if supplier_id and supplier_id != supplier.pk:
            raise ReviewerRequired(_("Suppliers request visits of their own factories."), code="forbidden_role")
    agency = _agency(agency_id)
    Organization.objects.select_for_update().filter(pk=supplier.pk).first()
    if Verification.objects.filter(supplier=supplier, status__in=OPEN).exists():
        raise ApplicationStateError(_("A verification visit is already open."), code="verification_already_open")
    visit = Verification.objects.create(supplier=supplier, agency=agency, requested_by=actor.label)
    record_event(supplier.pk, "verification.requested", actor, verification_id=visit.id, agency_id=agency.pk)
    return visit


def _lock_as_agency(actor: Actor, verification_id: str, permission: str) -> Verification:
    if actor.organization is None or actor.organization.kind != OrgKind.INSPECTION_AGENCY:
        raise VerificationNotFound(_("No such verification visit."))
    visit = Verification.objects.select_for_update().filter(pk=verification_id, agency=actor.organization).first()
    if visit is None:
        raise VerificationNotFound(_("No such verification visit."))
    actor.require(permission)
    return visit


@transaction.atomic
def verification_accept(*, actor: Actor, verification_id: str, planned_date: date) -> Verification:
    visit = _lock_as_agency(actor, verification_id, "inspection.schedule")
    if visit.status != VerificationStatus.REQUESTED:
        raise ApplicationStateError(
            _("A visit that is %(status)s cannot be accepted.") % {"status": visit.status},
            code="verification_not_acceptable",
        )
    if planned_date < clock.today():
        raise QualificationInvalid(_("The visit date is in the past."), field="planned_date", code="date_in_past")
    visit.status = VerificationStatus.ACCEPTED
    visit.planned_date = planned_date
    visit.updated_at = clock.now()
    visit.save(update_fields=["status", "planned_date", "updated_at"])
    record_event(
        visit.supplier_id, "verification.accepted", actor, verification_id=visit.id, planned_date=str(planned_date)
    )
    return visit


@transaction.atomic
def verification_decline(*, actor: Actor, verification_id: str, reason: str) -> Verification:
    visit = _lock_as_agency(actor, verification_id, "inspection.schedule")
    if visit.status not in OPEN:
        raise ApplicationStateError(
            _("A visit that is %(status)s cannot be declined.") % {"status": visit.status}, code="verification_closed"
        )
    reason = (reason or "").strip()
    if not reason or len(reason) > 2000:
        raise QualificationInvalid(_("Give a reason (up to 2000 characters)."), field="reason")
    visit.status = VerificationStatus.DECLINED
    visit.findings = reason
    visit.updated_at = clock.now()
    visit.save(update_fields=["status", "findings", "updated_at"])
    record_event(visit.supplier_id, "verification.declined", actor, reasons=reason, verification_id=visit.id)
    return visit


@transaction.atomic
def photo_add(
    *, actor: Actor, verification_id: str, kind: str, data: bytes, name: str, caption: str = ""
) -> VerificationPhoto:
    visit = _lock_as_agency(actor, verification_id, "inspection.report")
    if visit.status != VerificationStatus.ACCEPTED:
        raise ApplicationStateError(_("Photos are added to an accepted visit."), code="verification_not_open")
    if kind not in PhotoKind.values:
        raise QualificationInvalid(_("Photo kind is factory, production_line or equipment."), field="kind")
    if visit.photos.count() >= MAX_PHOTOS:
        raise QualificationInvalid(
            _("At most %(max)s photos.") % {"max": MAX_PHOTOS}, field="file", code="too_many_photos"
        )
    if len(caption or "") > 200:
        raise QualificationInvalid(_("At most 200 characters."), field="caption")
    stored = store_upload(
        actor=actor,
        organization=visit.agency,
        data=data,
        name=name,
        purpose=PHOTO_PURPOSE,
        types=files.IMAGE_TYPES,
    )
    return VerificationPhoto.objects.create(verification=visit, kind=kind, caption=(caption or "").strip(), file=stored)


def _coordinate(text: str, limit: int, field_name: str) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        value = Decimal("NaN")
    if not value.is_finite() or abs(value) > limit:
        raise QualificationInvalid(
            _("Give a number between -%(limit)s and %(limit)s.") % {"limit": limit},
            field=field_name,
            code="invalid_coordinate",
        )
    return value.quantize(Decimal("0.000001"))


@transaction.atomic
def verification_report(*, actor: Actor, verification_id: str, report: ReportInput) -> Verification:
    visit = _lock_as_agency(actor, verification_id, "inspection.report")
    if visit.status != VerificationStatus.ACCEPTED:
        raise ApplicationStateError(
            _("A visit that is %(status)s takes no report.") % {"status": visit.status}, code="verification_not_open"
        )
    if report.visited_on > clock.today():
        raise QualificationInvalid(_("The visit date is in the future."), field="visited_on", code="date_in_future")
    address = (report.factory_address or "").strip()
    if not address or len(address) > 400:
        raise QualificationInvalid(_("Give the factory address (up to 400 characters)."), field="factory_address")
    lat = _coordinate(report.latitude, 90, "latitude")
    lon = _coordinate(report.longitude, 180, "longitude")
    if report.staff_count < 1 or report.staff_count > 1_000_000:
        raise QualificationInvalid(_("Give the number of staff on site."), field="staff_count")
    if not (report.findings or "").strip() or len(report.findings) > 10_000:
        raise QualificationInvalid(_("Write the findings (up to 10,000 characters)."), field="findings")
    if len(report.annual_capacity or "") > 200:
        raise QualificationInvalid(_("At most 200 characters."), field="annual_capacity")
    if len(report.equipment) > MAX_EQUIPMENT:
        raise QualificationInvalid(_("At most %(max)s equipment rows.") % {"max": MAX_EQUIPMENT}, field="equipment")
    for i, item in enumerate(report.equipment):
        if not item.name.strip() or len(item.name) > 200:
            raise QualificationInvalid(_("Name the equipment."), field=f"equipment[{i}].name")
        if item.quantity < 1 or item.quantity > 1_000_000:
            raise QualificationInvalid(_("Quantity must be at least 1."), field=f"equipment[{i}].quantity")
        if len(item.capacity) > 200:
            raise QualificationInvalid(_("At most 200 characters."), field=f"equipment[{i}].capacity")
    if not visit.photos.exists():
        raise QualificationInvalid(
            _("Add at least one photo of the factory first."), field="photos", code="photos_required"
        )
    now = clock.now()
    Equipment.objects.bulk_create(
        Equipment(verification=visit, name=i.name.strip(), quantity=i.quantity, capacity=i.capacity.strip())
        for i in report.equipment
    )
    visit.status = VerificationStatus.REPORTED
    visit.visited_on = report.visited_on
    visit.factory_address = address
    visit.latitude, visit.longitude = lat, lon
    visit.staff_count = report.staff_count
    visit.annual_capacity = (report.annual_capacity or "").strip()
    visit.findings = report.findings.strip()
    visit.reported_at = now
    visit.reported_by = actor.user
    visit.updated_at = now
    visit.save()
    record_event(
        visit.supplier_id, "verification.reported", actor, verification_id=visit.id, visited_on=str(report.visited_on)
    )
    return visit
