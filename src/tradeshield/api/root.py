"""The /api/v1 application: routers from each domain, and one error format for everything."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tradeshield.api.validation import validation_message
from tradeshield.credit.api import router as credit_router
from tradeshield.disputes.api import router as disputes_router
from tradeshield.inspections.api import public as inspections_public_router
from tradeshield.inspections.api import router as inspections_router
from tradeshield.kit.errors import DomainError
from tradeshield.kit.http import error_json, error_response
from tradeshield.legal.api import router as legal_router
from tradeshield.messaging.api import router as messaging_router
from tradeshield.notifications.api import router as notifications_router
from tradeshield.orders.api import router as orders_router
from tradeshield.orders.payments_api import router as payments_router
from tradeshield.organizations.api import router as identity_router
from tradeshield.payouts.api import router as payouts_router
from tradeshield.protections.api import router as clocks_router
from tradeshield.reviews.api import router as reviews_router
from tradeshield.risk.api import router as risk_router
from tradeshield.shipments.api import router as shipments_router
from tradeshield.suppliers.api import router as suppliers_router
from tradeshield.support.api import router as support_router

api = NinjaAPI(
    title="TradeShield API",
    version="1.0.0",
    description="Trade assurance for cross-border B2B orders: escrow, payments, protection. "
    'Errors are `{"error": {"code", "message", "field"}}`; money is integer minor units.',
    urls_namespace="api",
)
api.add_router("", identity_router)
api.add_router("", orders_router)
api.add_router("", payments_router)
api.add_router("", clocks_router)
api.add_router("", notifications_router)
api.add_router("", inspections_public_router)
api.add_router("", inspections_router)
api.add_router("", shipments_router)
api.add_router("", messaging_router)
api.add_router("", reviews_router)
api.add_router("", credit_router)
api.add_router("", suppliers_router)
api.add_router("", disputes_router)
api.add_router("", payouts_router)
api.add_router("", risk_router)
api.add_router("", support_router)
api.add_router("", legal_router)

PYDANTIC_CODES = {
    "extra_forbidden": "unknown_field",
    "missing": "missing_field",
    "json_invalid": "malformed_json",
}


_SOURCES = ("body", "query", "path", "header", "cookie", "form", "file")


def _field(loc: Any) -> str:
    """The field's path inside the request: ninja's location minus its leading source and schema
    parameter (`body.payload.lines.0.quantity` -> `lines[0].quantity`); a field may itself be named `body`."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] == "payload":
        parts = parts[1:]
    out = ""
    for part in parts:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out


def _http_error_message(exc: HttpError) -> str:
    """Django Ninja's own HttpErrors, in the reader's language; any other keeps its text."""
    if exc.status_code == 403 and str(exc) == "CSRF check Failed":
        return _("CSRF check Failed")
    return str(exc)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(exc)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    kind = str(first.get("type", ""))
    field = _field(first.get("loc", ()))
    message = validation_message(first, str(first.get("msg") or _("Invalid request.")))
    if kind == "extra_forbidden":
        message = _("Unknown field %(field)s.") % {"field": repr(field)}
    return error_json(422, PYDANTIC_CODES.get(kind, "invalid_value"), message, field or None)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_json(401, "unauthenticated", _("Send a valid bearer token or sign in."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and "parse request body" in str(exc):
        return error_json(400, "malformed_json", _("The request body is not valid JSON."))
    return error_json(exc.status_code, "http_error", _http_error_message(exc))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_json(404, "not_found", _("Not found."))
