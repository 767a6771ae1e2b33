"""Evidence bundles (either party of the order, or staff; anyone else 404) and legal consultations."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from tradeshield.files import services as files
from tradeshield.kit.schemas import ERROR_RESPONSES
from tradeshield.legal import services
from tradeshield.legal.bundle import Bundle, build_bundle
from tradeshield.legal.models import Consultation
from tradeshield.legal.schemas import ConsultationIn, ConsultationMessageIn, ConsultationOut, LegalPartnerOut
from tradeshield.legal.selectors import consultation_get, consultations_visible_to, legal_partners
from tradeshield.orders.selectors import order_get
from tradeshield.organizations.auth import API_AUTH, actor_of

ZIP = {"application/zip": {"schema": {"type": "string", "format": "binary"}}}
router = Router(tags=["legal"], auth=API_AUTH)


def bundle_response(bundle: Bundle) -> HttpResponse:
    response = HttpResponse(bundle.data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{bundle.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["X-Bundle-SHA256"] = bundle.sha256
    return response


@router.get(
    "/orders/{order_id}/evidence-bundle",
    response={200: None, **ERROR_RESPONSES},
    summary="Download the order's evidence bundle (ZIP: manifest, summary.pdf, case.json, audit.json, files/)",
    openapi_extra={"responses": {"200": {"description": "The bundle.", "content": ZIP}}},
)
def evidence_bundle(request: HttpRequest, order_id: str) -> HttpResponse:
    return bundle_response(build_bundle(order_get(actor_of(request), order_id)))


def render_consultation(consultation: Consultation) -> dict[str, Any]:
    return {
        "id": consultation.id,
        "order_id": consultation.order_id,
        "dispute_id": consultation.dispute_id,
        "requester_id": consultation.requester_id,
        "firm_id": consultation.firm_id,
        "bundle_file_id": consultation.bundle_id,
        "bundle_sha256": consultation.bundle.sha256,
        "created_at": consultation.created_at,
        "messages": [
            {
                "id": m.id,
                "organization_id": m.organization_id,
                "author": m.author_label,
                "body": m.body,
                "created_at": m.created_at,
            }
            for m in consultation.messages.all()
        ],
    }


@router.get("/legal/partners", response={200: list[LegalPartnerOut], **ERROR_RESPONSES}, summary="Partner law firms")
def partners(request: HttpRequest) -> list[Any]:
    actor_of(request)
    return list(legal_partners())


@router.post(
    "/orders/{order_id}/legal-consultations",
    response={201: ConsultationOut, **ERROR_RESPONSES},
    summary="Ask a partner law firm about this order (its evidence bundle is attached)",
)
def request_consultation(request: HttpRequest, order_id: str, payload: ConsultationIn) -> Status[dict[str, Any]]:
    consultation = services.consultation_request(
        actor_of(request), order_id=order_id, firm_id=payload.firm_id, question=payload.question
    )
    return Status(201, render_consultation(consultation))


@router.get(
    "/legal/consultations",
    response={200: list[ConsultationOut], **ERROR_RESPONSES},
    summary="Your organization's consultations (a firm: the ones sent to it)",
)
def list_consultations(request: HttpRequest) -> list[dict[str, Any]]:
    queryset = consultations_visible_to(actor_of(request)).prefetch_related("messages")[:100]
    return [render_consultation(c) for c in queryset]


@router.get("/legal/consultations/{consultation_id}", response={200: ConsultationOut, **ERROR_RESPONSES})
def get_consultation(request: HttpRequest, consultation_id: str) -> dict[str, Any]:
    return render_consultation(consultation_get(actor_of(request), consultation_id))


@router.post(
    "/legal/consultations/{consultation_id}/messages",
    response={201: ConsultationOut, **ERROR_RESPONSES},
    summary="Write on the case (the requesting party or the firm's lawyers)",
)
def post_message(request: HttpRequest, consultation_id: str, payload: ConsultationMessageIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    message = services.consultation_message(actor, consultation_id=consultation_id, body=payload.body)
    return Status(201, render_consultation(consultation_get(actor, message.consultation_id)))


@router.get("/legal/consultations/{consultation_id}/bundle", response={200: None, **ERROR_RESPONSES})
def consultation_bundle(request: HttpRequest, consultation_id: str) -> HttpResponse:
    """The bundle as it was sent (checked against its stored SHA-256)."""
    consultation = consultation_get(actor_of(request), consultation_id)
    stored = consultation.bundle
    return bundle_response(Bundle(stored.name, files.file_read(stored), stored.sha256))
