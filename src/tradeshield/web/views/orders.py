"""Creating an order and the order page (terms, escrow, timeline, and the actions open to the viewer)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tradeshield.kit.errors import DomainError
from tradeshield.orders import paying, services, states
from tradeshield.orders.models import Amendment, MilestoneStatus, Order
from tradeshield.orders.selectors import escrow_summary, order_coverage, order_get
from tradeshield.orders.states import OrderStatus
from tradeshield.organizations.actors import Actor
from tradeshield.payments.models import FUNDED_STATUSES, OPEN_STATUSES
from tradeshield.payments.selectors import payments_for_order
from tradeshield.web import forms
from tradeshield.web.presenters import change_rows, escrow_chart, event_lines, mode_label
from tradeshield.web.views.common import actor_of, apply_error, new_key, not_found_on
from tradeshield.web.views.disputes import order_dispute_context
from tradeshield.web.views.inspections import order_panel_context
from tradeshield.web.views.messaging import order_conversation_context
from tradeshield.web.views.reviews import order_review_context


def _terms(form: forms.OrderForm, lines: forms.LineFormSet) -> services.OrderTerms | None:  # type: ignore[valid-type]
    data, currency = form.cleaned_data, form.cleaned_data["currency"]
    items = []
    for line in (f for f in lines.forms if f.has_changed() and f.cleaned_data):  # type: ignore[attr-defined]
        try:
            unit_price = forms.to_minor(line.cleaned_data["unit_price"], currency)
        except ValidationError as error:
            line.add_error("unit_price", error)
            continue
        items.append(
            services.LineInput(
                product_name=line.cleaned_data["product_name"],
                specifications=line.cleaned_data["specifications"],
                quantity=line.cleaned_data["quantity"],
                unit=line.cleaned_data["unit"],
                unit_price=unit_price,
            )
        )
    if any(f.errors for f in lines.forms):  # type: ignore[attr-defined]
        return None
    return services.OrderTerms(
        title=data["title"],
        currency=currency,
        incoterm=data["incoterm"],
        named_place=data["named_place"],
        lines=items,
        ship_by_date=data["ship_by_date"],
        lead_time_days=data["lead_time_days"],
        deposit_percent=data["deposit_percent"],
        inspection_required=data["inspection_required"],
        notes=data["notes"],
    )


def _line_error(lines: Any, form: forms.OrderForm, error: DomainError) -> None:
    """`lines[2].quantity` goes to the third line's quantity field; anything else to the order form."""
    field = error.field or ""
    if field.startswith("lines[") and "]" in field:
        index = int(field[6 : field.index("]")])
        filled = [f for f in lines.forms if f.has_changed()]
        if index < len(filled):
            apply_error(filled[index], error)
            return
    aliases = {"buyer_id": "counterparty", "supplier_id": "counterparty", "lines": "__all__"}
    if aliases.get(field) == "__all__":
        form.add_error(None, error.message)
    else:
        apply_error(form, error, aliases)


@login_required
def order_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.organization is None or not actor.trades or not actor.can("order.write"):
        raise PermissionDenied(_("Only buyers and suppliers with the right role create orders."))
    options = {"own_kind": actor.organization.kind, "default_currency": actor.organization.default_currency}
    if request.method == "POST":
        form = forms.OrderForm(request.POST, **options)
        lines = forms.LineFormSet(request.POST, prefix="lines")
        if form.is_valid() and lines.is_valid():
            terms = _terms(form, lines)
            if terms is not None:
                try:
                    order = services.order_create(
                        actor=actor, counterparty_id=form.cleaned_data["counterparty"], terms=terms
                    )
                except DomainError as error:
                    _line_error(lines, form, error)
                else:
                    messages.success(
                        request, _("Order %(id)s created. Both sides now confirm the terms.") % {"id": order.id}
                    )
                    return redirect("web:order_detail", order_id=order.id)
    else:
        form = forms.OrderForm(**options)
        lines = forms.LineFormSet(prefix="lines")
    return render(request, "web/orders/new.html", {"form": form, "lines": lines})


AMENDMENT_ACTIONS = ("propose", "decide", "withdraw")
# Orders whose goods may be on their way (or were): their page links to the tracking page.
TRACKABLE = {OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED}


def _side(actor: Actor, order: Order) -> str:
    if actor.org_id == order.buyer_id:
        return "buyer"
    if actor.org_id == order.supplier_id:
        return "supplier"
    return ""


def _actions(
    actor: Actor, order: Order, side: str, payments: list[Any], open_amendment: Amendment | None, next_unpaid: Any
) -> dict[str, bool]:
    """Which buttons to show. The services decide for real; this only hides what would be refused."""
    if not side:
        return {}
    status = order.status
    funded = any(p.status in FUNDED_STATUSES for p in payments)
    confirmed_here = getattr(order, f"{side}_confirmed_at") is not None
    return {
        "confirm": status == OrderStatus.DRAFT and not confirmed_here and actor.can("order.confirm"),
        "pay": side == "buyer" and status in states.PAYABLE and next_unpaid is not None and actor.can("order.pay"),
        "ship": side == "supplier" and status in states.SHIPPABLE and actor.can("order.ship"),
        "deliver": status == OrderStatus.SHIPPED and actor.can("order.receive" if side == "buyer" else "order.ship"),
        "receive": side == "buyer" and status in states.RECEIVABLE and actor.can("order.receive"),
        "cancel": status in states.CANCELLABLE
        and actor.can("order.cancel")
        and not (funded and side == "buyer" and not paying.is_late(order)),
        "refund": side == "supplier" and status in states.REFUNDABLE and funded and actor.can("order.refund"),
        "propose": status in states.AMENDABLE and open_amendment is None and actor.can("order.write"),
        "decide": open_amendment is not None
        and open_amendment.proposed_by_id != actor.org_id
        and actor.can("order.confirm"),
        "withdraw": open_amendment is not None and open_amendment.proposed_by_id == actor.org_id,
    }


@login_required
def order_detail(request: HttpRequest, order_id: str) -> HttpResponse:
    actor = actor_of(request)
    try:
        order = order_get(actor, order_id)
    except DomainError as error:
        not_found_on(error)
        raise
    side = _side(actor, order)
    payments = payments_for_order(order.id)
    milestones = list(order.milestones.all())
    amendments = list(order.amendments.select_related("proposed_by").order_by("-created_at"))
    open_amendment = next((a for a in amendments if a.status == Amendment.Status.PROPOSED), None)
    next_unpaid = next((m for m in milestones if m.status == MilestoneStatus.UNPAID), None)
    escrow = escrow_summary(order)
    events = list(order.events.all())
    shipped = next((e for e in reversed(events) if e.kind == "order.shipped"), None)
    can = _actions(actor, order, side, payments, open_amendment, next_unpaid)
    open_payments = [p for p in payments if p.status in OPEN_STATUSES]
    context = {
        "order": order,
        "side": side,
        "lines": list(order.lines.all()),
        "milestones": milestones,
        "payments": payments,
        "open_payments": open_payments,
        "open_amendment": open_amendment,
        "amendment_rows": [(a, change_rows(a.changes)) for a in amendments],
        "next_unpaid": next_unpaid,
        "escrow": escrow,
        "coverage": order_coverage(order),
        "escrow_chart": escrow_chart(escrow),
        "events": event_lines(events, order.currency),
        "shipment": shipped.data if shipped else None,
        "shipment_mode": mode_label((shipped.data or {}).get("mode", "")) if shipped else "",
        "can": can,
        "has_actions": any(v for k, v in can.items() if k not in AMENDMENT_ACTIONS)
        or (side == "buyer" and bool(open_payments)),
        "keys": {name: new_key() for name in ("receive", "cancel", "refund")},
        "ship_form": forms.ShipForm(),
        "cancel_form": forms.CancelForm(),
        "receipt_form": forms.ReceiptForm(),
        "refund_form": forms.RefundForm(currency=order.currency),
        "amendment_form": forms.AmendmentForm(),
        "read_only": not side,
        "trackable": TRACKABLE,
    }
    context.update(order_panel_context(actor, order, side))
    context.update(order_conversation_context(actor, order, side))
    context.update(order_review_context(actor, order, side))
    context.update(order_dispute_context(actor, order, side))
    return render(request, "web/orders/detail.html", context)
