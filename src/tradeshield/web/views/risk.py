"""The risk review queue for platform staff: held actions to approve or decline, frozen accounts to
unfreeze (with a reason, after confirming the password)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tradeshield.kit.errors import DomainError
from tradeshield.organizations.actors import Actor
from tradeshield.organizations.models import Organization
from tradeshield.risk import selectors, services
from tradeshield.security import reauth
from tradeshield.web.views.common import actor_of


def _staff(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if actor.staff_role not in services.STAFF_ROLES:
        raise PermissionDenied(_("Only platform admins and support agents handle risk cases."))
    return actor


@login_required
@require_GET
def risk_queue(request: HttpRequest) -> HttpResponse:
    actor = _staff(request)
    pending = list(selectors.cases_for(actor, "pending")[:100])
    recent = list(selectors.cases_for(actor).exclude(status="pending")[:30])
    frozen = list(selectors.frozen_accounts(actor)[:100])
    ids = {c.organization_id for c in pending + recent} | {f.organization_id for f in frozen}
    names = dict(Organization.objects.filter(pk__in=ids).values_list("id", "name"))
    return render(
        request,
        "web/staff/risk.html",
        {
            "pending": pending,
            "recent": recent,
            "frozen": frozen,
            "names": names,
            "recent_auth": reauth.recently_authenticated(request),
        },
    )


@login_required
@require_POST
def risk_case_decide(request: HttpRequest, case_id: str, decision: str) -> HttpResponse:
    actor = _staff(request)
    if decision not in ("approve", "decline"):
        raise Http404
    try:
        services.case_decide(
            actor=actor, case_id=case_id, approve=decision == "approve", reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Case %(case)s: decision recorded.") % {"case": case_id})
    return redirect("web:risk_queue")


@login_required
@require_POST
def risk_unfreeze(request: HttpRequest, organization_id: str) -> HttpResponse:
    actor = _staff(request)
    if not reauth.recently_authenticated(request):
        messages.info(request, _("Confirm your password to unfreeze an account."))
        return redirect(reverse("web:confirm_password") + "?" + urlencode({"next": reverse("web:risk_queue")}))
    try:
        services.account_unfreeze(actor=actor, organization_id=organization_id, reason=request.POST.get("reason", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The account is unfrozen."))
    return redirect("web:risk_queue")
