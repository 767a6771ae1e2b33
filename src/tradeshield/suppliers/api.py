"""Supplier qualification and verification endpoints: thin wrappers around services and selectors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from tradeshield.files import services as files
from tradeshield.kit.http import clamp_limit, page
from tradeshield.kit.schemas import ERROR_RESPONSES, Page
from tradeshield.organizations.auth import API_AUTH, actor_of
from tradeshield.suppliers import services, verification
from tradeshield.suppliers.render import render_application, render_trust, render_verification
from tradeshield.suppliers.schemas import (
    SupplierAcceptIn,
    SupplierApplicationIn,
    SupplierApplicationOut,
    SupplierChecklistIn,
    SupplierDecisionIn,
    SupplierDeclineIn,
    SupplierDocumentOut,
    SupplierPhotoOut,
    SupplierReportIn,
    SupplierTrustOut,
    SupplierVerificationOut,
    SupplierVerificationRequestIn,
)
from tradeshield.suppliers.selectors import (
    application_get,
    document_get,
    photo_get,
    review_queue,
    supplier_trust_facts,
    verification_get,
    visible_applications,
    visible_verifications,
)

router = Router(tags=["suppliers"], auth=API_AUTH)


def _binary(*types: str) -> dict[str, Any]:
    """OpenAPI for a download: the file's bytes in one of `types` (sniffed at upload)."""
    content = {t: {"schema": {"type": "string", "format": "binary"}} for t in types}
    return {
        "responses": {
            "200": {"description": "The file, as uploaded (checked against its SHA-256).", "content": content}
        }
    }


ERRORS = ERROR_RESPONSES
FILE_ERRORS = {**ERRORS, 413: ERRORS[400]}


def _input(payload: SupplierApplicationIn) -> services.ApplicationInput:
    return services.ApplicationInput(
        license_number=payload.license_number,
        license_country=payload.license_country,
        license_valid_from=payload.license_valid_from,
        license_valid_to=payload.license_valid_to,
        company_description=payload.company_description,
        production_licenses=[services.LicenseInput(**lic.model_dump()) for lic in payload.production_licenses],
        certifications=[services.CertificationInput(**c.model_dump()) for c in payload.certifications],
    )


def _listed(
    rows: QuerySet[Any], status: str | None, cursor: str | None, limit: int | None, render: Callable[[Any], Any]
) -> dict[str, Any]:
    """A cursor page, newest first, optionally of one status."""
    size = clamp_limit(limit)
    if status:
        rows = rows.filter(status=status)
    if cursor:
        rows = rows.filter(pk__lt=cursor)
    return page(list(rows[: size + 1]), size, lambda row: row.pk, render)


def _application(request: HttpRequest, application_id: str) -> dict[str, Any]:
    return render_application(application_get(actor_of(request), application_id))


@router.post(
    "/suppliers/applications",
    response={201: SupplierApplicationOut, **ERRORS},
    summary="Supplier files a qualification application (draft until submitted)",
)
def create_application(request: HttpRequest, payload: SupplierApplicationIn) -> Status[dict[str, Any]]:
    application = services.application_create(actor=actor_of(request), data=_input(payload))
    return Status(201, _application(request, application.pk))


@router.get(
    "/suppliers/applications",
    response={200: Page[SupplierApplicationOut], **ERRORS},
    summary="Your applications (reviewers: every application; ?status=submitted is the queue)",
)
def list_applications(
    request: HttpRequest, status: str | None = None, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    return _listed(visible_applications(actor_of(request)), status, cursor, limit, render_application)


@router.get("/suppliers/applications/{application_id}", response={200: SupplierApplicationOut, **ERRORS})
def get_application(request: HttpRequest, application_id: str) -> dict[str, Any]:
    return _application(request, application_id)


@router.put(
    "/suppliers/applications/{application_id}",
    response={200: SupplierApplicationOut, **ERRORS},
    summary="Supplier edits a draft, or an application the reviewer asked more of",
)
def update_application(request: HttpRequest, application_id: str, payload: SupplierApplicationIn) -> dict[str, Any]:
    services.application_update(actor=actor_of(request), application_id=application_id, data=_input(payload))
    return _application(request, application_id)


@router.post(
    "/suppliers/applications/{application_id}/documents",
    response={201: SupplierDocumentOut, **FILE_ERRORS},
    summary="Upload a document (PDF, JPEG, PNG or WebP, up to 10 MB; the name's extension must match)",
)
def upload_document(
    request: HttpRequest,
    application_id: str,
    file: File[UploadedFile],
    kind: Form[str] = "business_license",
    title: Form[str] = "",
    valid_to: Form[date | None] = None,
) -> Status[dict[str, Any]]:
    document = services.document_add(
        actor=actor_of(request),
        application_id=application_id,
        kind=kind,
        data=file.read(files.MAX_BYTES + 1),
        name=file.name or "",
        title=title,
        valid_to=valid_to,
    )
    stored = document.file
    return Status(
        201,
        {
            "id": document.id,
            "kind": document.kind,
            "title": document.title,
            "content_type": stored.content_type,
            "size": stored.size,
            "sha256": stored.sha256,
            "valid_to": document.valid_to,
            "created_at": document.created_at,
        },
    )


@router.get(
    "/suppliers/documents/{document_id}/content",
    response={200: None, **ERRORS},
    summary="Download a document (the owning supplier and staff only)",
    openapi_extra=_binary("application/pdf", "image/jpeg", "image/png", "image/webp"),
)
def download_document(request: HttpRequest, document_id: str) -> HttpResponse:
    document = document_get(actor_of(request), document_id)
    return _file_response(document.file)


def _file_response(stored: Any) -> HttpResponse:
    response = HttpResponse(files.file_read(stored), content_type=stored.content_type)
    response["Content-Disposition"] = f'inline; filename="{stored.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/suppliers/applications/{application_id}/submit",
    response={200: SupplierApplicationOut, **ERRORS},
    summary="Supplier submits (or resubmits) the application for review",
)
def submit_application(request: HttpRequest, application_id: str) -> dict[str, Any]:
    services.application_submit(actor=actor_of(request), application_id=application_id)
    return _application(request, application_id)


@router.get(
    "/suppliers/review-queue",
    response={200: list[SupplierApplicationOut], **ERRORS},
    summary="Reviewers: submitted applications, oldest first",
)
def queue(request: HttpRequest, limit: int | None = None) -> list[dict[str, Any]]:
    services.require_reviewer(actor_of(request))
    return [render_application(a) for a in review_queue()[: clamp_limit(limit)]]


@router.put(
    "/suppliers/applications/{application_id}/checklist",
    response={200: SupplierApplicationOut, **ERRORS},
    summary="Reviewer records checklist items while reviewing",
)
def put_checklist(request: HttpRequest, application_id: str, payload: SupplierChecklistIn) -> dict[str, Any]:
    items = {key: value.model_dump() for key, value in payload.items.items()}
    services.checklist_update(actor=actor_of(request), application_id=application_id, items=items)
    return _application(request, application_id)


@router.post(
    "/suppliers/applications/{application_id}/decision",
    response={200: SupplierApplicationOut, **ERRORS},
    summary="Reviewer approves, rejects with reasons, or asks for more information (once per submission)",
)
def decide(request: HttpRequest, application_id: str, payload: SupplierDecisionIn) -> dict[str, Any]:
    services.application_decide(
        actor=actor_of(request),
        application_id=application_id,
        decision=payload.decision,
        reasons=payload.reasons,
        checklist={k: v.model_dump() for k, v in payload.checklist.items()} if payload.checklist else None,
    )
    return _application(request, application_id)


@router.get(
    "/suppliers/{supplier_id}/trust",
    response={200: SupplierTrustOut, **ERRORS},
    summary="A supplier's qualification status, valid certifications and verified badge (any signed-in user)",
)
def trust(request: HttpRequest, supplier_id: str) -> dict[str, Any]:
    actor_of(request)
    supplier = services.supplier_of(supplier_id)
    return render_trust(supplier, supplier_trust_facts([supplier.pk])[supplier.pk])


@router.post(
    "/suppliers/verifications",
    response={201: SupplierVerificationOut, **ERRORS},
    summary="Supplier (or a reviewer, for a supplier) asks an inspection agency for an on-site visit",
)
def request_verification(request: HttpRequest, payload: SupplierVerificationRequestIn) -> Status[dict[str, Any]]:
    visit = verification.verification_request(
        actor=actor_of(request), agency_id=payload.agency_id, supplier_id=payload.supplier_id
    )
    return Status(201, render_verification(verification_get(actor_of(request), visit.pk)))


@router.get(
    "/suppliers/verifications",
    response={200: Page[SupplierVerificationOut], **ERRORS},
    summary="Visits you can see (suppliers: yours; agencies: those asked of you)",
)
def list_verifications(
    request: HttpRequest, status: str | None = None, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    return _listed(visible_verifications(actor_of(request)), status, cursor, limit, render_verification)


@router.get("/suppliers/verifications/{verification_id}", response={200: SupplierVerificationOut, **ERRORS})
def get_verification(request: HttpRequest, verification_id: str) -> dict[str, Any]:
    return render_verification(verification_get(actor_of(request), verification_id))


@router.post("/suppliers/verifications/{verification_id}/accept", response={200: SupplierVerificationOut, **ERRORS})
def accept_verification(request: HttpRequest, verification_id: str, payload: SupplierAcceptIn) -> dict[str, Any]:
    verification.verification_accept(
        actor=actor_of(request), verification_id=verification_id, planned_date=payload.planned_date
    )
    return render_verification(verification_get(actor_of(request), verification_id))


@router.post("/suppliers/verifications/{verification_id}/decline", response={200: SupplierVerificationOut, **ERRORS})
def decline_verification(request: HttpRequest, verification_id: str, payload: SupplierDeclineIn) -> dict[str, Any]:
    verification.verification_decline(actor=actor_of(request), verification_id=verification_id, reason=payload.reason)
    return render_verification(verification_get(actor_of(request), verification_id))


@router.post(
    "/suppliers/verifications/{verification_id}/photos",
    response={201: SupplierPhotoOut, **FILE_ERRORS},
    summary="Agency uploads a photo (JPEG, PNG or WebP, up to 10 MB): factory, production_line or equipment",
)
def upload_photo(
    request: HttpRequest,
    verification_id: str,
    file: File[UploadedFile],
    kind: Form[str] = "factory",
    caption: Form[str] = "",
) -> Status[dict[str, Any]]:
    photo = verification.photo_add(
        actor=actor_of(request),
        verification_id=verification_id,
        kind=kind,
        data=file.read(files.MAX_BYTES + 1),
        name=file.name or "",
        caption=caption,
    )
    stored = photo.file
    return Status(
        201,
        {
            "id": photo.id,
            "kind": photo.kind,
            "caption": photo.caption,
            "content_type": stored.content_type,
            "size": stored.size,
            "sha256": stored.sha256,
        },
    )


@router.get(
    "/suppliers/verifications/{verification_id}/photos/{photo_id}/content",
    response={200: None, **ERRORS},
    summary="A visit photo (the supplier, the agency and staff)",
    openapi_extra=_binary("image/jpeg", "image/png", "image/webp"),
)
def download_photo(request: HttpRequest, verification_id: str, photo_id: int) -> HttpResponse:
    return _file_response(photo_get(actor_of(request), verification_id, photo_id).file)


@router.post(
    "/suppliers/verifications/{verification_id}/report",
    response={200: SupplierVerificationOut, **ERRORS},
    summary="Agency files the visit report; the supplier is verified for 12 months from the visit",
)
def file_report(request: HttpRequest, verification_id: str, payload: SupplierReportIn) -> dict[str, Any]:
    verification.verification_report(
        actor=actor_of(request),
        verification_id=verification_id,
        report=verification.ReportInput(
            visited_on=payload.visited_on,
            factory_address=payload.factory_address,
            latitude=payload.latitude,
            longitude=payload.longitude,
            staff_count=payload.staff_count,
            annual_capacity=payload.annual_capacity,
            findings=payload.findings,
            equipment=[verification.EquipmentInput(**e.model_dump()) for e in payload.equipment],
        ),
    )
    return render_verification(verification_get(actor_of(request), verification_id))
