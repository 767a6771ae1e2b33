"""Writes for supplier qualification: filing and editing an application, documents, the review.

Every state change is a compare-and-set on `supplier_application.status` and writes a `SupplierEvent`
(the audit log and the notifications outbox) in the same transaction.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tradeshield.files import services as files
from tradeshield.kit import clock, jobs
from tradeshield.organizations.actors import Actor
from tradeshield.organizations.models import Organization, OrgKind
from tradeshield.suppliers.errors import (
    ApplicationNotFound,
    ApplicationStateError,
    QualificationInvalid,
    ReviewerRequired,
    SupplierNotFound,
)
from tradeshield.suppliers.models import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    ApplicationStatus,
    Certification,
    CheckItem,
    DocumentKind,
    ProductionLicense,
    SupplierApplication,
    SupplierDocument,
    SupplierEvent,
)

RELAY_TASK = "notifications.relay_supplier_event"
DOCUMENT_PURPOSE = "supplier_document"
DOCUMENT_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}
# What a file's name may end with for each sniffed type: a PDF called "license.png" is refused.
EXTENSIONS: dict[str, set[str]] = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "image/webp": {".webp"},
}
REVIEWER_ROLES = {"reviewer", "admin"}
# Events that change the qualification factor of the credit rating (approval, suspension when the
# business license ends, restoration, a certification ending, a verification report). The badge's
# lapse 12 months after a visit is a date, not an event: the nightly credit refresh picks it up.
CREDIT_EVENTS = frozenset(
    {
        "application.approved",
        "qualification.suspended",
        "qualification.restored",
        "qualification.item_expired",
        "verification.reported",
    }
)
MAX_CERTIFICATIONS = 50
MAX_LICENSES = 20


@dataclass(frozen=True)
class LicenseInput:
    number: str
    issued_by: str
    valid_from: date
    valid_to: date
    scope: str = ""


@dataclass(frozen=True)
class CertificationInput:
    standard: str
    number: str
    body: str
    valid_from: date
    valid_to: date
    scope: str = ""


@dataclass(frozen=True)
class ApplicationInput:
    license_number: str
    license_country: str
    license_valid_from: date
    license_valid_to: date
    company_description: str = ""
    production_licenses: list[LicenseInput] = field(default_factory=list)
    certifications: list[CertificationInput] = field(default_factory=list)


def record_event(
    supplier_id: str,
    kind: str,
    actor: Actor | None,
    *,
    application: SupplierApplication | None = None,
    reasons: str = "",
    **data: Any,
) -> SupplierEvent:
    """Append to the audit log and queue its notices in the same transaction."""
    event = SupplierEvent.objects.create(
        application=application,
        supplier_id=supplier_id,
        kind=kind,
        actor=actor.label if actor else "system",
        actor_user=actor.user if actor else None,
        reasons=reasons,
        data=data,
    )
    jobs.defer(RELAY_TASK, queue="notifications", supplier_event_id=event.pk)
    if kind in CREDIT_EVENTS:
        jobs.defer_credit_refresh(supplier_id)
    return event


def require_supplier(actor: Actor) -> Organization:
    """Owners, sales members and API keys of a supplier act for its qualification."""
    if actor.organization is None or actor.organization.kind != OrgKind.SUPPLIER:
        raise ReviewerRequired(_("Only suppliers file qualification applications."), code="supplier_required")
    if actor.role not in ("owner", "sales", "api_key"):
        raise ReviewerRequired(_("Your role does not allow this action."), code="forbidden_role")
    return actor.organization


def require_reviewer(actor: Actor) -> None:
    if actor.organization is not None or actor.staff_role not in REVIEWER_ROLES:
        raise ReviewerRequired(_("Only qualification reviewers and admins decide applications."))


def _check_dates(valid_from: date, valid_to: date, where: str) -> None:
    if valid_to < valid_from:
        raise QualificationInvalid(
            _("The end of validity precedes its start."), field=f"{where}valid_to", code="valid_to_before_valid_from"
        )


def _check_text(value: str, field_name: str, *, required: bool = True, limit: int = 300) -> str:
    text = (value or "").strip()
    if required and not text:
        raise QualificationInvalid(_("This field is required."), field=field_name, code="missing_field")
    if len(text) > limit:
        raise QualificationInvalid(_("At most %(limit)s characters.") % {"limit": limit}, field=field_name)
    return text


def _validate(data: ApplicationInput) -> None:
    _check_text(data.license_number, "license_number", limit=60)
    country = data.license_country or ""
    if len(country) != 2 or not country.isalpha() or not country.isupper():
        raise QualificationInvalid(
            _("Give the issuing country as an ISO 3166-1 alpha-2 code (e.g. CN)."), field="license_country"
        )
    _check_text(data.company_description, "company_description", required=False, limit=4000)
    if data.license_valid_to < data.license_valid_from:
        raise QualificationInvalid(
            _("The end of validity precedes its start."), field="license_valid_to", code="valid_to_before_valid_from"
        )
    if len(data.production_licenses) > MAX_LICENSES:
        raise QualificationInvalid(
            _("At most %(max)s production licenses.") % {"max": MAX_LICENSES}, field="production_licenses"
        )
    if len(data.certifications) > MAX_CERTIFICATIONS:
        raise QualificationInvalid(
            _("At most %(max)s certifications.") % {"max": MAX_CERTIFICATIONS}, field="certifications"
        )
    for i, lic in enumerate(data.production_licenses):
        where = f"production_licenses[{i}]."
        _check_text(lic.number, where + "number", limit=60)
        _check_text(lic.issued_by, where + "issued_by", limit=120)
        _check_text(lic.scope, where + "scope", required=False)
        _check_dates(lic.valid_from, lic.valid_to, where)
    for i, cert in enumerate(data.certifications):
        where = f"certifications[{i}]."
        _check_text(cert.standard, where + "standard", limit=60)
        _check_text(cert.number, where + "number", limit=60)
        _check_text(cert.body, where + "body", limit=120)
        _check_text(cert.scope, where + "scope", required=False)
        _check_dates(cert.valid_from, cert.valid_to, where)


def _write(application: SupplierApplication, data: ApplicationInput) -> None:
    application.license_number = data.license_number.strip()
    application.license_country = data.license_country
    application.license_valid_from = data.license_valid_from
    application.license_valid_to = data.license_valid_to
    application.company_description = data.company_description.strip()
    application.updated_at = clock.now()
    application.save()
    application.production_licenses.all().delete()
    application.certifications.all().delete()
    ProductionLicense.objects.bulk_create(
        ProductionLicense(
            application=application,
            supplier_id=application.supplier_id,
            number=lic.number.strip(),
            issued_by=lic.issued_by.strip(),
            scope=lic.scope.strip(),
            valid_from=lic.valid_from,
            valid_to=lic.valid_to,
        )
        for lic in data.production_licenses
    )
    Certification.objects.bulk_create(
        Certification(
            application=application,
            supplier_id=application.supplier_id,
            standard=cert.standard.strip(),
            number=cert.number.strip(),
            body=cert.body.strip(),
            scope=cert.scope.strip(),
            valid_from=cert.valid_from,
            valid_to=cert.valid_to,
        )
        for cert in data.certifications
    )


def _lock_own(actor: Actor, application_id: str) -> SupplierApplication:
    supplier = require_supplier(actor)
    application = SupplierApplication.objects.select_for_update().filter(pk=application_id, supplier=supplier).first()
    if application is None:
        raise ApplicationNotFound(_("No such application."))
    return application


@transaction.atomic
def application_create(*, actor: Actor, data: ApplicationInput) -> SupplierApplication:
    supplier = require_supplier(actor)
    _validate(data)
    # Serialise filings of one supplier; the partial unique index is the final word.
    Organization.objects.select_for_update().filter(pk=supplier.pk).first()
    if SupplierApplication.objects.filter(supplier=supplier, status__in=OPEN_STATUSES).exists():
        raise ApplicationStateError(
            _("An application is already open; edit it instead of filing another."), code="application_already_open"
        )
    application = SupplierApplication(supplier=supplier, created_by=actor.user)
    _write(application, data)
    record_event(supplier.pk, "application.created", actor, application=application)
    return application


@transaction.atomic
def application_update(*, actor: Actor, application_id: str, data: ApplicationInput) -> SupplierApplication:
    application = _lock_own(actor, application_id)
    if application.status not in EDITABLE_STATUSES:
        raise ApplicationStateError(
            _("An application that is %(status)s cannot be edited.") % {"status": application.status},
            code="application_not_editable",
        )
    _validate(data)
    _write(application, data)
    return application


def check_extension(name: str, content_type: str, field_name: str = "file") -> None:
    extension = os.path.splitext(name or "")[1].lower()
    if extension not in EXTENSIONS.get(content_type, set()):
        expected = ", ".join(sorted(EXTENSIONS.get(content_type, set())))
        raise QualificationInvalid(
            _("The file's name does not match its content (%(content_type)s: expected %(expected)s).")
            % {"content_type": content_type, "expected": expected},
            field=field_name,
            code="file_extension_mismatch",
        )


def store_upload(
    *, actor: Actor, organization: Organization, data: bytes, name: str, purpose: str, types: set[str]
) -> Any:
    """Size and type limits from the files domain, plus: the name's extension must match the bytes."""
    if len(data) > files.MAX_BYTES:
        raise QualificationInvalid(
            _("Files are limited to %(megabytes)s MB.") % {"megabytes": files.MAX_BYTES // (1024 * 1024)},
            field="file",
            code="file_too_large",
        )
    sniffed = files.sniff(data) if data else None
    if sniffed in types:
        check_extension(name, sniffed)
    return files.file_store(
        data=data, name=name, purpose=purpose, organization=organization, uploaded_by=actor.user, allowed_types=types
    )


@transaction.atomic
def document_add(
    *,
    actor: Actor,
    application_id: str,
    kind: str,
    data: bytes,
    name: str,
    title: str = "",
    valid_to: date | None = None,
) -> SupplierDocument:
    application = _lock_own(actor, application_id)
    if application.status not in EDITABLE_STATUSES:
        raise ApplicationStateError(
            _("An application that is %(status)s takes no more documents.") % {"status": application.status},
            code="application_not_editable",
        )
    if kind not in DocumentKind.values:
        raise QualificationInvalid(_("Unknown document kind."), field="kind")
    title = _check_text(title, "title", required=False, limit=200)
    stored = store_upload(
        actor=actor,
        organization=application.supplier,
        data=data,
        name=name,
        purpose=DOCUMENT_PURPOSE,
        types=DOCUMENT_TYPES,
    )
    return SupplierDocument.objects.create(
        application=application,
        supplier_id=application.supplier_id,
        kind=kind,
        title=title or stored.name,
        file=stored,
        valid_to=valid_to,
    )


@transaction.atomic
def application_submit(*, actor: Actor, application_id: str) -> SupplierApplication:
    application = _lock_own(actor, application_id)
    if application.status not in EDITABLE_STATUSES:
        raise ApplicationStateError(
            _("An application that is %(status)s cannot be submitted.") % {"status": application.status},
            code="application_not_submittable",
        )
    if application.license_valid_to < clock.today():
        raise QualificationInvalid(
            _("The business license has expired; enter the current one."),
            field="license_valid_to",
            code="license_expired",
        )
    resubmitted = application.status == ApplicationStatus.INFO_REQUESTED
    now = clock.now()
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = now
    application.updated_at = now
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    record_event(
        application.supplier_id,
        "application.resubmitted" if resubmitted else "application.submitted",
        actor,
        application=application,
    )
    return application


def _lock_for_review(actor: Actor, application_id: str) -> SupplierApplication:
    require_reviewer(actor)
    application = SupplierApplication.objects.select_for_update().filter(pk=application_id).first()
    if application is None:
        raise ApplicationNotFound(_("No such application."))
    if application.status != ApplicationStatus.SUBMITTED:
        raise ApplicationStateError(
            _("An application that is %(status)s is not waiting for a decision.") % {"status": application.status},
            code="application_not_reviewable",
        )
    return application


def _merge_checklist(application: SupplierApplication, items: dict[str, dict[str, Any]]) -> None:
    merged = dict(application.checklist or {})
    for key, value in items.items():
        if key not in CheckItem.values:
            raise QualificationInvalid(
                _("Unknown checklist item %(item)s.") % {"item": repr(key)}, field=f"checklist.{key}"
            )
        note = _check_text(str(value.get("note") or ""), f"checklist.{key}.note", required=False, limit=1000)
        merged[key] = {"ok": bool(value.get("ok")), "note": note}
    application.checklist = merged


@transaction.atomic
def checklist_update(*, actor: Actor, application_id: str, items: dict[str, dict[str, Any]]) -> SupplierApplication:
    application = _lock_for_review(actor, application_id)
    _merge_checklist(application, items)
    application.updated_at = clock.now()
    application.save(update_fields=["checklist", "updated_at"])
    return application


DECISIONS = {"approve", "reject", "request_info"}


@transaction.atomic
def application_decide(
    *,
    actor: Actor,
    application_id: str,
    decision: str,
    reasons: str = "",
    checklist: dict[str, dict[str, Any]] | None = None,
) -> SupplierApplication:
    """Approve, reject with reasons, or ask the supplier for more. Decided once: a second decision
    finds the application no longer `submitted` and gets 409."""
    if decision not in DECISIONS:
        raise QualificationInvalid(_("Decide approve, reject or request_info."), field="decision")
    application = _lock_for_review(actor, application_id)
    if checklist:
        _merge_checklist(application, checklist)
    reasons = _check_text(reasons, "reasons", required=decision != "approve", limit=4000)
    now = clock.now()
    previous = None
    if decision == "approve":
        missing = [item for item in CheckItem.values if not (application.checklist or {}).get(item, {}).get("ok")]
        if missing:
            raise QualificationInvalid(
                _("Every checklist item must be satisfied before approval: %(items)s.") % {"items": ", ".join(missing)},
                field="checklist",
                code="checklist_incomplete",
            )
        if application.license_valid_to < clock.today():
            raise QualificationInvalid(
                _("The business license has expired."), field="license_valid_to", code="license_expired"
            )
        previous = (
            SupplierApplication.objects.select_for_update()
            .filter(supplier_id=application.supplier_id, status=ApplicationStatus.APPROVED)
            .first()
        )
        if previous is not None:
            SupplierApplication.objects.filter(pk=previous.pk).update(
                status=ApplicationStatus.SUPERSEDED, updated_at=now
            )
        application.status = ApplicationStatus.APPROVED
        application.approved_at = now
    elif decision == "reject":
        application.status = ApplicationStatus.REJECTED
    else:
        application.status = ApplicationStatus.INFO_REQUESTED
    application.decision_reasons = reasons
    application.decided_at = now
    application.decided_by = actor.user
    application.updated_at = now
    updated = SupplierApplication.objects.filter(pk=application.pk, status=ApplicationStatus.SUBMITTED).update(
        status=application.status,
        approved_at=application.approved_at,
        checklist=application.checklist,
        decision_reasons=reasons,
        decided_at=now,
        decided_by=actor.user,
        updated_at=now,
    )
    if updated != 1:
        raise ApplicationStateError(
            _("The application changed while this request ran."), code="application_not_reviewable"
        )
    kind = {
        "approve": "application.approved",
        "reject": "application.rejected",
        "request_info": "application.info_requested",
    }
    record_event(
        application.supplier_id,
        kind[decision],
        actor,
        application=application,
        reasons=reasons,
        checklist=application.checklist,
    )
    if previous is not None and previous.license_valid_to < clock.today():
        record_event(application.supplier_id, "qualification.restored", actor, application=application)
    return application


def supplier_of(supplier_id: str) -> Organization:
    supplier = Organization.objects.filter(pk=supplier_id, kind=OrgKind.SUPPLIER).first()
    if supplier is None:
        raise SupplierNotFound(_("No such supplier."))
    return supplier
