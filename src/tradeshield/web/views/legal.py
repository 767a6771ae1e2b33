"""Evidence bundle download (parties and staff, as the API) and legal consultation pages (/legal/...)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tradeshield.files import services as files
from tradeshield.kit.errors import DomainError
from tradeshield.legal import services
from tradeshield.legal.api import bundle_response
from tradeshield.legal.bundle import Bundle, build_bundle
from tradeshield.legal.selectors import consultation_get, consultations_visible_to, legal_partners
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


@login_required
def legal_request(request: HttpRequest, order_id: str) -> HttpResponse:
    """Ask a partner law firm about the order: GET shows the form, POST sends the bundle and the question."""
    actor = actor_of(request)
    try:
        order = order_get(actor, order_id)
    except DomainError as error:
        not_found_on(error)
        raise
    if request.method == "POST":
        try:
            case = services.consultation_request(
                actor,
                order_id=order.id,
                firm_id=request.POST.get("firm_id", ""),
                question=request.POST.get("question", ""),
            )
        except DomainError as error:
            not_found_on(error)
            messages.error(request, error.message)
            status = 422
        else:
            messages.success(request, _("Your question and the evidence bundle were sent to the legal team."))
            return redirect("web:legal_case", case.id)
    else:
        status = 200
    context = {"order": order, "partners": list(legal_partners()), "question": request.POST.get("question", "")}
    return render(request, "web/legal/request.html", context, status=status)


@login_required
def legal_cases(request: HttpRequest) -> HttpResponse:
    cases = consultations_visible_to(actor_of(request)).prefetch_related("messages")[:100]
    return render(request, "web/legal/list.html", {"cases": cases})


@login_required
def legal_case(request: HttpRequest, consultation_id: str) -> HttpResponse:
    actor = actor_of(request)
    try:
        case = consultation_get(actor, consultation_id)
    except DomainError as error:
        not_found_on(error)
        raise
    if request.method == "POST":
        try:
            services.consultation_message(actor, consultation_id=case.id, body=request.POST.get("body", ""))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("web:legal_case", case.id)
    return render(request, "web/legal/case.html", {"case": case, "thread": case.messages.all()})


@login_required
@require_GET
def legal_case_bundle(request: HttpRequest, consultation_id: str) -> HttpResponse:
    try:
        case = consultation_get(actor_of(request), consultation_id)
        data = files.file_read(case.bundle)
    except DomainError as error:
        not_found_on(error)
        raise
    return bundle_response(Bundle(case.bundle.name, data, case.bundle.sha256))
