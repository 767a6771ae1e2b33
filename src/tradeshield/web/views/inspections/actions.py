"""The order page's inspection forms (plan, visit, fee, withdrawal, the buyer's answer), back to the order."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from tradeshield.inspections import booking, reports
from tradeshield.inspections.models import (
    Inspection,
)
from tradeshield.kit.money import format_amount
from tradeshield.orders.selectors import order_get
from tradeshield.organizations.actors import Actor
from tradeshield.web import inspection_forms as iforms
from tradeshield.web.views.common import Outcome, run_once
from tradeshield.web.views.inspections.panel import (
    CLASSES,
    _agency_choices,
)
from tradeshield.web.views.order_actions import invalid_form, order_action, succeeded


def _of_order(actor: Actor, order_id: str, inspection_id: str | None = None) -> None:
    """Strangers get 404 before their form is even looked at (order_action turns NotFound into 404)."""
    order_get(actor, order_id)
    if inspection_id is not None and not Inspection.objects.filter(pk=inspection_id, order_id=order_id).exists():
        raise Http404("No such inspection on this order.")


@order_action
def plan_update(request: HttpRequest, actor: Actor, order_id: str, back: str) -> HttpResponse:
    _of_order(actor, order_id)
    form = iforms.PlanForm(request.POST, agencies=_agency_choices())
    if not form.is_valid():
        return invalid_form(request, form, back)
    data = form.cleaned_data
    booking.plan_update(
        actor=actor,
        order_id=order_id,
        level=data["level"],
        aqls={c: Decimal(data[f"aql_{c}"]) for c in CLASSES},
        agency_id=data["agency_id"] or None,
    )
    messages.success(request, _("Inspection plan saved."))
    return redirect(back)


@order_action
def visit_request(request: HttpRequest, actor: Actor, order_id: str, back: str) -> HttpResponse:
    _of_order(actor, order_id)
    form = iforms.VisitForm(request.POST, agencies=_agency_choices())
    if not form.is_valid():
        return invalid_form(request, form, back)
    data = form.cleaned_data
    inspection = booking.visit_request(
        actor=actor,
        order_id=order_id,
        request=booking.VisitRequest(
            lot_size=data["lot_size"],
            packed_percent=data["packed_percent"],
            ready_date=data["ready_date"],
            site_address=data["site_address"],
            agency_id=data["agency_id"] or None,
        ),
    )
    payer = _("the buyer") if inspection.fee_payer == "buyer" else _("you")
    messages.success(
        request,
        _("Visit requested from %(agency)s. The fee of %(fee)s is paid by %(payer)s before it can be scheduled.")
        % {
            "agency": inspection.agency.name,
            "fee": format_amount(inspection.fee_amount, inspection.currency),
            "payer": payer,
        },
    )
    return redirect(back)


@order_action
def fee_pay(request: HttpRequest, actor: Actor, order_id: str, back: str, inspection_id: str) -> HttpResponse:
    _of_order(actor, order_id, inspection_id)
    form = iforms.FeeCardForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, form, back)
    card = {k: form.cleaned_data[k] for k in ("number", "exp_month", "exp_year", "cvc")}

    def action() -> Outcome:
        inspection = booking.fee_pay(actor=actor, inspection_id=inspection_id, card=card)
        return succeeded(
            request,
            back,
            _("Inspection fee of %(fee)s paid. The agency will now schedule the visit.")
            % {"fee": format_amount(inspection.fee_amount, inspection.currency)},
        )

    return run_once(request, actor, action, back=back)


@order_action
def visit_withdraw(request: HttpRequest, actor: Actor, order_id: str, back: str, inspection_id: str) -> HttpResponse:
    _of_order(actor, order_id, inspection_id)
    form = iforms.WithdrawForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, form, back)

    def action() -> Outcome:
        inspection = booking.visit_cancel(actor=actor, inspection_id=inspection_id, reason=form.cleaned_data["reason"])
        if inspection.fee_refunded:
            return succeeded(request, back, _("Visit withdrawn. The fee was refunded to the card."))
        return succeeded(request, back, _("Visit withdrawn."))

    return run_once(request, actor, action, back=back)


@order_action
def decide(request: HttpRequest, actor: Actor, order_id: str, back: str, inspection_id: str) -> HttpResponse:
    _of_order(actor, order_id, inspection_id)
    form = iforms.DecisionForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, form, back)
    choice = form.cleaned_data["choice"]

    def action() -> Outcome:
        reports.decide(actor=actor, inspection_id=inspection_id, choice=choice, reason=form.cleaned_data["reason"])
        done = {
            "accept": _("You accepted the goods. The supplier can ship."),
            "rework": _("Rework requested. The supplier must ask for a re-inspection in time."),
            "cancel": _("Order cancelled. Everything paid is being refunded to you."),
        }
        return succeeded(request, back, done[choice])

    return run_once(request, actor, action, back=back)


# ---------------------------------------------------------------------------------------------------------------
# The agency's bookings
