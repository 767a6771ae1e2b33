"""Reads for supplier qualification and verification, scoped to who is asking.

A supplier sees its own applications, documents and visits; an agency the visits it was asked to
make; reviewers and admins everything. Anything else is a 404, exactly like a missing row.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tradeshield.kit import clock
from tradeshield.organizations.actors import Actor
from tradeshield.suppliers.errors import ApplicationNotFound, DocumentNotFound, VerificationNotFound
from tradeshield.suppliers.models import (
    ApplicationStatus,
    Certification,
    SupplierApplication,
    SupplierDocument,
    SupplierEvent,
    Verification,
    VerificationPhoto,
    VerificationStatus,
)

BADGE_MONTHS = 12
STAFF_ROLES = {"reviewer", "admin", "support_agent", "trade_expert"}


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the last day of the month when that day does not exist)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _is_staff(actor: Actor) -> bool:
    return actor.organization is None and actor.staff_role in STAFF_ROLES


def visible_applications(actor: Actor) -> QuerySet[SupplierApplication]:
    base = SupplierApplication.objects.select_related("supplier").order_by("-id")
    if _is_staff(actor):
        return base
    if actor.organization is None:
        return base.none()
    return base.filter(supplier_id=actor.org_id)


def application_get(actor: Actor, application_id: str) -> SupplierApplication:
    application = visible_applications(actor).filter(pk=application_id).first()
    if application is None:
        raise ApplicationNotFound(_("No such application."))
    return application


def review_queue() -> QuerySet[SupplierApplication]:
    """Waiting for a decision, oldest submission first."""
    return (
        SupplierApplication.objects.select_related("supplier")
        .filter(status=ApplicationStatus.SUBMITTED)
        .order_by("submitted_at", "id")
    )


def application_events(application: SupplierApplication) -> QuerySet[SupplierEvent]:
    return application.events.order_by("id")


def document_get(actor: Actor, document_id: str) -> SupplierDocument:
    """Only the owning supplier and staff."""
    rows = SupplierDocument.objects.select_related("file")
    if not _is_staff(actor):
        if actor.organization is None:
            raise DocumentNotFound(_("No such document."))
        rows = rows.filter(supplier_id=actor.org_id)
    document = rows.filter(pk=document_id).first()
    if document is None:
        raise DocumentNotFound(_("No such document."))
    return document


def visible_verifications(actor: Actor) -> QuerySet[Verification]:
    base = Verification.objects.select_related("supplier", "agency").order_by("-id")
    if _is_staff(actor):
        return base
    if actor.organization is None:
        return base.none()
    return base.filter(Q(supplier_id=actor.org_id) | Q(agency_id=actor.org_id))


def verification_get(actor: Actor, verification_id: str) -> Verification:
    visit = visible_verifications(actor).filter(pk=verification_id).first()
    if visit is None:
        raise VerificationNotFound(_("No such verification visit."))
    return visit


def photo_get(actor: Actor, verification_id: str, photo_id: int) -> VerificationPhoto:
    visit = verification_get(actor, verification_id)
    if not 0 < photo_id < 2**63:
        raise VerificationNotFound(_("No such photo."), code="photo_not_found")
    photo = visit.photos.select_related("file").filter(pk=photo_id).first()
    if photo is None:
        raise VerificationNotFound(_("No such photo."), code="photo_not_found")
    return photo


def current_application(supplier_id: str) -> SupplierApplication | None:
    """The approved application that is in force, if any."""
    return SupplierApplication.objects.filter(supplier_id=supplier_id, status=ApplicationStatus.APPROVED).first()


def open_application(supplier_id: str) -> SupplierApplication | None:
    return (
        SupplierApplication.objects.filter(
            supplier_id=supplier_id,
            status__in=[ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.INFO_REQUESTED],
        )
        .order_by("-id")
        .first()
    )


def supplier_eligible(supplier_id: str, today: date | None = None) -> bool:
    """An approved application whose business license is valid today (on the caller's clock)."""
    today = today or clock.today()
    return SupplierApplication.objects.filter(
        supplier_id=supplier_id,
        status=ApplicationStatus.APPROVED,
        license_valid_from__lte=today,
        license_valid_to__gte=today,
    ).exists()


@dataclass
class TrustFacts:
    supplier_id: str
    status: str  # qualified | suspended | pending | info_requested | rejected | none
    approved_at: datetime | None = None
    license_valid_to: date | None = None
    certifications: list[dict[str, object]] = field(default_factory=list)
    verified_at: date | None = None
    verified_until: date | None = None
    verification_lapsed: bool = False

    @property
    def qualified(self) -> bool:
        return self.status == "qualified"

    @property
    def verified(self) -> bool:
        return self.verified_at is not None and not self.verification_lapsed


def supplier_trust_facts(org_ids: list[str], today: date | None = None) -> dict[str, TrustFacts]:
    """Per supplier: qualification status, approval time, license end, valid certifications, and the
    verification badge (visit date, lapse date). Three queries whatever the number of suppliers."""
    today = today or clock.today()
    facts = {org_id: TrustFacts(supplier_id=org_id, status="none") for org_id in org_ids}
    approved: set[str] = set()
    rows = SupplierApplication.objects.filter(
        supplier_id__in=org_ids,
        status__in=[
            ApplicationStatus.APPROVED,
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.INFO_REQUESTED,
            ApplicationStatus.REJECTED,
        ],
    ).order_by("id")
    for application in rows:
        fact = facts[application.supplier_id]
        if application.status == ApplicationStatus.APPROVED:
            approved.add(application.id)
            fact.approved_at = application.approved_at
            fact.license_valid_to = application.license_valid_to
            valid = application.license_valid_from <= today <= application.license_valid_to
            fact.status = "qualified" if valid else "suspended"
        elif fact.approved_at is None:  # the latest open or rejected application speaks
            fact.status = {"submitted": "pending"}.get(application.status, application.status)
    for cert in Certification.objects.filter(
        application_id__in=approved, valid_from__lte=today, valid_to__gte=today
    ).order_by("standard", "id"):
        facts[cert.supplier_id].certifications.append(
            {
                "standard": cert.standard,
                "number": cert.number,
                "body": cert.body,
                "scope": cert.scope,
                "valid_to": cert.valid_to,
            }
        )
    visits = (
        Verification.objects.filter(supplier_id__in=org_ids, status=VerificationStatus.REPORTED)
        .order_by("supplier_id", "-visited_on")
        .distinct("supplier_id")
    )
    for visit in visits:
        fact = facts[visit.supplier_id]
        fact.verified_at = visit.visited_on
        fact.verified_until = add_months(visit.visited_on, BADGE_MONTHS) if visit.visited_on else None
        fact.verification_lapsed = fact.verified_until is not None and fact.verified_until <= today
    return facts
