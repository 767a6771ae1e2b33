"""Dispute pages: opening one from the order page, the dispute page with its timeline, offers and the
actions open to each side, and the trade expert's workbench (queue and case forms)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tradeshield.accounts.models import StaffRole
from tradeshield.disputes import policy, selectors, services
from tradeshield.disputes.models import ARBITRATION_STATUSES, Dispute, DisputeStatus, Evidence, Settlement
from tradeshield.disputes.render import render_detail
from tradeshield.files import services as files
from tradeshield.inspections.models import Inspection
from tradeshield.kit.errors import DomainError, Invalid, NotFound
from tradeshield.orders.selectors import order_get
from tradeshield.organizations.actors import Actor
from tradeshield.web import dispute_forms as dforms
from tradeshield.web import forms
from tradeshield.web.views.common import Outcome, actor_of, labelled, new_key, not_found_on, run_once

S = DisputeStatus
MONEY_ACTIONS = {"accept", "withdraw", "sign", "decide"}


def _minor(value: Decimal | None, currency: str) -> int | None:
    return None if value is None else forms.to_minor(value, currency)


def _read(upload: Any) -> bytes:
    return bytes(upload.read(files.MAX_BYTES + 1))


@login_required
@require_POST
def dispute_open(request: HttpRequest, order_id: str) -> HttpResponse:
    actor = actor_of(request)
    back = reverse("web:order_detail", args=[order_id])
    try:
        order = order_get(actor, order_id)
    except DomainError as error:
        not_found_on(error)
        raise
    form = dforms.OpenDisputeForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for problem in errors:
                messages.error(request, labelled(label, problem))
        return redirect(back)
    data = form.cleaned_data
    try:
        amount = _minor(data["amount"], order.currency)
        dispute = services.dispute_open(
            actor=actor,
            order_id=order_id,
            reason=data["reason"],
            remedy=data["remedy"],
            amount=amount,
            description=data["description"],
        )
    except DomainError as refused:
        messages.error(request, refused.message)
        return redirect(back)
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
        return redirect(back)
    target = reverse("web:dispute_detail", args=[dispute.id])
    if data["evidence"]:
        try:
            services.evidence_add(
                actor=actor, dispute_id=dispute.id, data=_read(data["evidence"]), name=data["evidence"].name
            )
        except DomainError as error:
            messages.warning(request, _("The dispute is open, but the file was refused: %(e)s") % {"e": error.message})
            return redirect(target)
    messages.success(request, _("Dispute opened. The order's funds are frozen until it is resolved."))
    return redirect(target)


def _can(dispute: Dispute, side: str | None, actor: Actor) -> dict[str, bool]:
    """Which forms to show. The services decide for real; this only hides what would be refused."""
    negotiating = dispute.status == S.NEGOTIATING
    arbitration = dispute.status in ARBITRATION_STATUSES
    party = side in ("buyer", "supplier") and actor.can("dispute.act")
    proposed = dispute.settlements.filter(status=Settlement.Status.PROPOSED).first()
    return {
        "counter": party and negotiating and dispute.offer_by != side,
        "accept": party and negotiating and dispute.offer_by != side,
        "reject": party and side == "supplier" and negotiating,
        "edit": party and side == "buyer" and negotiating,
        "withdraw": party and side == "buyer" and dispute.status in (S.NEGOTIATING, S.ESCALATED),
        "escalate": party and side == "buyer" and negotiating,
        "evidence": party and dispute.is_open,
        "settle": party and arbitration,
        "sign": bool(party and arbitration and proposed and getattr(proposed, f"{side}_signed_at") is None),
        "appeal": party and dispute.status == S.DECIDED and dispute.appealed_at is None,
        "request_evidence": side == "expert" and arbitration,
        "decide": side == "expert" and arbitration,
        "order_inspection": side == "expert" and arbitration,
    }


@login_required
@require_GET
def dispute_detail(request: HttpRequest, dispute_id: str) -> HttpResponse:
    actor = actor_of(request)
    try:
        dispute = selectors.dispute_get(actor, dispute_id)
    except NotFound as error:
        raise Http404(error.message) from error
    side = selectors.side_of(actor, dispute)
    cur = dispute.currency
    detail = render_detail(dispute, actor)
    context = {
        "dispute": dispute,
        "d": detail,
        "side": side,
        "currency": cur,
        "can": _can(dispute, side, actor),
        "keys": {name: new_key() for name in MONEY_ACTIONS},
        "evidence_rows": list(dispute.evidence.select_related("file")),
        "counter_form": dforms.CounterForm(auto_id="dsp-counter-%s"),
        "reject_form": dforms.TextForm(auto_id="dsp-reject-%s"),
        "edit_form": dforms.EditForm(
            auto_id="dsp-edit-%s", initial={"remedy": dispute.remedy, "description": dispute.description}
        ),
        "evidence_form": dforms.EvidenceForm(auto_id="dsp-evidence-%s"),
        "settle_form": dforms.SettlementForm(auto_id="dsp-settle-%s"),
        "appeal_form": dforms.ReasonsForm(auto_id="dsp-appeal-%s"),
        "request_form": dforms.EvidenceRequestForm(auto_id="dsp-request-%s"),
        "decision_form": dforms.DecisionForm(auto_id="dsp-decide-%s"),
        "inspection_form": dforms.InspectionOrderForm(auto_id="dsp-inspection-%s"),
        "unpaid_inspections": list(
            Inspection.objects.filter(purpose="dispute", dispute_ref=dispute.id, status="requested")
        ),
        "proposed": dispute.settlements.filter(status=Settlement.Status.PROPOSED).first(),
        "appeal_days": policy.APPEAL_WINDOW.days,
    }
    return render(request, "web/disputes/detail.html", context)


Handler = Callable[[HttpRequest, Actor, Dispute], str]


def _valid(form: Any) -> dict[str, Any]:
    if not form.is_valid():
        first = next(iter(form.errors.items()))
        label = form.fields[first[0]].label if first[0] in form.fields else ""
        raise Invalid(labelled(label, first[1][0]), code="form_invalid")
    return dict(form.cleaned_data)


def _counter(request: HttpRequest, actor: Actor, dispute: Dispute) -> str:
    data = _valid(dforms.CounterForm(request.POST))
    services.dispute_counter(
        actor=actor, dispute_id=dispute.id, amount=_minor(data["amount"], dispute.currency) or 0, text=data["text"]
    )
    return _("Your offer was sent.")


def _accept(request: HttpRequest, actor: Actor, dispute: Dispute) -> str:
    services.dispute_accept(actor=actor, dispute_id=dispute.id)
    return _("Offer accepted. The agreed refund is being paid.")


def _reject(request: HttpRequest, actor: Actor, dispute: Dispute) -> str:
    services.dispute_reject(actor=actor, dispute_id=dispute.id, text=_valid(dforms.TextForm(request.POST))["text"])
    return _("Request rejected. The buyer may escalate to arbitration.")


def _edit(request: HttpRequest, actor: Actor, dispute: Dispute) -> str:
    data = _valid(dforms.EditForm(request.POST))
    services.dispute_edit(
        actor=actor,
        dispute_id=dispute.id,
        remedy=data["remedy"],
        amount=_minor(data["amount"], dispute.currency),
        description=data["description"],
    )
    return _("Your request was changed.")


def _withdraw(request: HttpRequest, actor: Actor, dispute: Dispute) -> str:
    services.dispute_withdraw(actor=actor, dispute_id=dispute.id)
    return _("Dispute withdrawn. The order's funds are no longer frozen.")


def _escalate(request: HttpRequest, actor: Actor, dispute: Dispute) -> str:
    services.dispute_escalate(actor=actor, dispute_id=dispute.id)
    return _("Escalated to arbitration. A trade expert will take the case.")


def _evidence(request: HttpRequest, actor: Actor, dispute: Dispute) -> str:
    data = _valid(dforms.EvidenceForm(request.POST, request.FILES))
    services.evidence_add(
        actor=actor, dispute_id=dispute.id, data=_read(data["file"]), name=data["file"].name, note=data["note"]
    )
    return _("Evidence added.")


def _settle(request: HttpRequest, actor: Actor, dispute: Dispute) -> str:
    data = _valid(dforms.SettlementForm(request.POST))
    services.settlement_propose(
        actor=actor,
        dispute_id=dispute.id,
        buyer_amount=_minor(data["buyer_amount"], dispute.currency) or 0,
        text=data["text"],
    )
    return _("Settlement proposed and signed by you. It ends the case once the other party signs.")


def _sign(request: HttpRequest, actor: Actor, dispute: Dispute) -> str:
    services.settlement_sign(actor=actor, dispute_id=dispute.id)
    return _("Settlement signed by both parties. The case is closed and the split is being paid.")


def _appeal(request: HttpRequest, actor: Actor, dispute: Dispute) -> str:
    services.dispute_appeal(
        actor=actor, dispute_id=dispute.id, reasons=_valid(dforms.ReasonsForm(request.POST))["reasons"]
    )
    return _("Appeal filed. A different trade expert will decide.")


def _request_evidence(request: HttpRequest, actor: Actor, dispute: Dispute) -> str:
    data = _valid(dforms.EvidenceRequestForm(request.POST))
    services.evidence_request(
        actor=actor, dispute_id=dispute.id, side=data["side"], text=data["text"], due_days=data["due_days"]
    )
    return _("Evidence requested.")


def _order_inspection(request: HttpRequest, actor: Actor, dispute: Dispute) -> str:
    data = _valid(dforms.InspectionOrderForm(request.POST))
    services.inspection_order(actor=actor, dispute_id=dispute.id, agency_id=data["agency_id"], scope=data["scope"])
    return _("Inspection ordered. The buyer prepays the fee on the order page.")


def _decide(request: HttpRequest, actor: Actor, dispute: Dispute) -> str:
    data = _valid(dforms.DecisionForm(request.POST))
    services.dispute_decide(
        actor=actor,
        dispute_id=dispute.id,
        buyer_amount=_minor(data["buyer_amount"], dispute.currency) or 0,
        supplier_amount=_minor(data["supplier_amount"], dispute.currency) or 0,
        reasons=data["reasons"],
    )
    return _("Decision recorded.")


HANDLERS: dict[str, Handler] = {
    "counter": _counter,
    "accept": _accept,
    "reject": _reject,
    "edit": _edit,
    "withdraw": _withdraw,
    "escalate": _escalate,
    "evidence": _evidence,
    "settle": _settle,
    "sign": _sign,
    "appeal": _appeal,
    "request-evidence": _request_evidence,
    "order-inspection": _order_inspection,
    "decide": _decide,
}


@login_required
@require_POST
def dispute_action(request: HttpRequest, dispute_id: str, action: str) -> HttpResponse:
    actor = actor_of(request)
    handler = HANDLERS.get(action)
    try:
        dispute = selectors.dispute_for_expert(actor, dispute_id)
    except NotFound as error:
        raise Http404(error.message) from error
    if handler is None:
        raise Http404("No such action.")
    back = reverse("web:dispute_detail", args=[dispute_id])

    def attempt() -> Outcome:
        try:
            message = handler(request, actor, dispute)
        except DomainError as error:
            not_found_on(error)
            messages.error(request, error.message)
            return Outcome(redirect(back), done=False)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return Outcome(redirect(back), done=False)
        messages.success(request, message)
        return Outcome(redirect(back), done=True, location=back)

    if action in MONEY_ACTIONS:
        return run_once(request, actor, attempt, back=back)
    return attempt().response


@login_required
@require_GET
def dispute_evidence_file(request: HttpRequest, dispute_id: str, evidence_id: str) -> HttpResponse:
    actor = actor_of(request)
    try:
        dispute = selectors.dispute_get(actor, dispute_id)
    except NotFound as error:
        raise Http404(error.message) from error
    evidence = Evidence.objects.select_related("file").filter(pk=evidence_id, dispute=dispute).first()
    if evidence is None:
        raise Http404("No such evidence.")
    try:
        data = files.file_read(evidence.file)
    except NotFound as error:
        raise Http404(error.message) from error
    except Invalid:
        return HttpResponse(_("This file failed its integrity check."), status=409, content_type="text/plain")
    response = HttpResponse(data, content_type=evidence.file.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    inline = evidence.file.content_type in files.IMAGE_TYPES
    response["Content-Disposition"] = content_disposition_header(not inline, evidence.file.name) or ""
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_GET
def expert_workbench(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.staff_role != StaffRole.TRADE_EXPERT or actor.user is None:
        raise PermissionDenied(_("Only trade experts have a dispute workbench."))
    queue = list(selectors.expert_queue(actor.user))
    decided = list(Dispute.objects.filter(decided_by=actor.user).select_related("order").order_by("-decided_at")[:20])
    return render(request, "web/disputes/workbench.html", {"queue": queue, "decided": decided})


def order_dispute_context(actor: Actor, order: Any, side: str) -> dict[str, Any]:
    """The disputes panel on the order page: the open dispute (or past ones), or the form to open one."""
    disputes = list(selectors.disputes_visible_to(actor).filter(order=order).order_by("-id"))
    open_one = next((d for d in disputes if d.is_open), None)
    may_open = (
        side == "buyer"
        and open_one is None
        and actor.can("dispute.act")
        and order.status in {"deposit_paid", "paid", "shipped", "delivered", "completed"}
    )
    return {
        "disputes": disputes,
        "open_dispute": open_one,
        "may_open_dispute": may_open,
        "dispute_form": dforms.OpenDisputeForm() if may_open else None,
    }
