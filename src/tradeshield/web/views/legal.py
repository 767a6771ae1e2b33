"""Evidence bundle download from the order and dispute pages (same rules as the API: parties and staff)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from tradeshield.kit.errors import DomainError
from tradeshield.legal.api import bundle_response
from tradeshield.legal.bundle import build_bundle
from tradeshield.orders.selectors import order_get
from tradeshield.web.views.common import actor_of, not_found_on


@login_required
@require_GET
def order_evidence_bundle(request: HttpRequest, order_id: str) -> HttpResponse:
    try:
        order = order_get(actor_of(request), order_id)
    except DomainError as error:
        not_found_on(error)
        raise
    return bundle_response(build_bundle(order))
