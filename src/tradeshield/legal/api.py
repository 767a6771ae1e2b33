"""Evidence bundle endpoint: either party of the order, or staff; anyone else gets 404."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from tradeshield.kit.schemas import ERROR_RESPONSES
from tradeshield.legal.bundle import Bundle, build_bundle
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
