"""The buttons on the order page. Each posts here, calls one service and goes back to the order.

Money-moving actions (confirm receipt, cancel, refund) run at most once per idempotency key.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tradeshield.kit.errors import DomainError
from tradeshield.kit.money import format_amount
from tradeshield.orders import amendments, paying, services
from tradeshield.orders.selectors import order_get
from tradeshield.organizations.actors import Actor
from tradeshield.shipments import services as shipping
from tradeshield.web import forms
from tradeshield.web.views.common import Outcome, actor_of, labelled, not_found_on, run_once

ActionView = Callable[..., HttpResponse]


def order_action(view: ActionView) -> ActionView:
    """POST only, signed in; a domain error becomes a message on the order page (404 for strangers)."""

    @login_required
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, order_id: str, **kwargs: Any) -> HttpResponse:
        back = reverse("web:order_detail", args=[order_id])
        try:
            order_get(actor_of(request), order_id)  # a stranger's order is a 404 before the form is read
            return view(request, actor_of(request), order_id, back, **kwargs)
        except DomainError as error:
            not_found_on(error)
            messages.error(request, error.message)
            return redirect(back)

    return wrapper


def invalid_form(request: HttpRequest, form: django_forms.Form, back: str) -> HttpResponse:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, labelled(label, error))
    return redirect(back)


def succeeded(request: HttpRequest, back: str, message: str) -> Outcome:
    messages.success(request, message)
    return Outcome(redirect(back), done=True, location=back)


@order_action
def order_confirm(request: HttpRequest, actor: Actor, order_id: str, back: str) -> HttpResponse:
    order = services.order_confirm(
        actor=actor, order_id=order_id, expected_terms_hash=request.POST.get("expected_terms_hash") or None
    )
    if order.status == "awaiting_payment":
        messages.success(request, _("Both sides confirmed the terms. The order is waiting for payment."))
    else:
        messages.success(request, _("You confirmed the terms. Waiting for the other side."))
    return redirect(back)


@order_action
def order_ship(request: HttpRequest, actor: Actor, order_id: str, back: str) -> HttpResponse:
    form = forms.ShipForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, form, back)
    shipping.order_ship(actor=actor, order_id=order_id, **form.cleaned_data)
    messages.success(request, _("Marked as shipped. The buyer can follow the tracking number."))
    return redirect(back)


@order_action
def order_deliver(request: HttpRequest, actor: Actor, order_id: str, back: str) -> HttpResponse:
    services.order_mark_delivered(actor=actor, order_id=order_id)
    messages.success(request, _("Marked as delivered."))
    return redirect(back)


@order_action
def order_receive(request: HttpRequest, actor: Actor, order_id: str, back: str) -> HttpResponse:
    form = forms.ReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm that you received the goods."))
        return redirect(back)

    def action() -> Outcome:
        paying.order_confirm_receipt(actor=actor, order_id=order_id)
        return succeeded(request, back, _("Receipt confirmed. The escrow was released to the supplier."))

    return run_once(request, actor, action, back=back)


@order_action
def order_cancel(request: HttpRequest, actor: Actor, order_id: str, back: str) -> HttpResponse:
    form = forms.CancelForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, form, back)

    def action() -> Outcome:
        order = paying.order_cancel(actor=actor, order_id=order_id, reason=form.cleaned_data["reason"])
        if order.status == "refunded":
            return succeeded(request, back, _("Order cancelled. Everything paid is being refunded to the buyer."))
        return succeeded(request, back, _("Order cancelled."))

    return run_once(request, actor, action, back=back)


@order_action
def order_refund(request: HttpRequest, actor: Actor, order_id: str, back: str) -> HttpResponse:
    form = forms.RefundForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, form, back)
    order = order_get(actor, order_id)
    try:
        amount = forms.to_minor(form.cleaned_data["amount"], order.currency)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)

    def action() -> Outcome:
        paying.order_refund_partial(actor=actor, order_id=order_id, amount=amount, reason=form.cleaned_data["reason"])
        return succeeded(
            request, back, _("Refunded %(amount)s to the buyer.") % {"amount": format_amount(amount, order.currency)}
        )

    return run_once(request, actor, action, back=back)


@order_action
def amendment_propose(request: HttpRequest, actor: Actor, order_id: str, back: str) -> HttpResponse:
    form = forms.AmendmentForm(request.POST)
    if not form.is_valid():
        return invalid_form(request, form, back)
    changes = form.changes()
    if not changes:
        messages.error(request, _("Change at least one term to propose an amendment."))
        return redirect(back)
    amendments.amendment_propose(actor=actor, order_id=order_id, changes=changes, reason=form.cleaned_data["reason"])
    messages.success(request, _("Amendment proposed. The other side can accept or reject it."))
    return redirect(back)


@order_action
def amendment_decide(
    request: HttpRequest, actor: Actor, order_id: str, back: str, amendment_id: str, decision: str
) -> HttpResponse:
    if decision == "withdraw":
        amendments.amendment_withdraw(actor=actor, amendment_id=amendment_id)
        messages.success(request, _("Amendment withdrawn."))
    elif decision in ("accept", "reject"):
        amendments.amendment_decide(actor=actor, amendment_id=amendment_id, accept=decision == "accept")
        messages.success(
            request,
            _("Amendment accepted; the terms were updated.") if decision == "accept" else _("Amendment rejected."),
        )
    return redirect(back)
