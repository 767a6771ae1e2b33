"""The tracking page of an order (both sides and staff), its live part, and the supplier's forms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tradeshield.kit.errors import DomainError
from tradeshield.organizations.actors import Actor
from tradeshield.shipments import csv_import, services, tracking
from tradeshield.shipments.models import EventKind, Shipment, ShipmentEvent
from tradeshield.shipments.render import quantity_text, remaining_lines
from tradeshield.shipments.selectors import Tracking, tracking_for_order
from tradeshield.shipments.timeliness import Judgement
from tradeshield.web.shipment_forms import ShipmentEventForm, ShipmentForm, TrackingImportForm
from tradeshield.web.views.common import actor_of, apply_error, not_found_on

POLL_SECONDS = 15
EVENT_ICONS = {
    "booked": "journal-check",
    "picked_up": "box-arrow-up",
    "departed": "truck",
    "arrived_at_port": "water",
    "customs": "building-check",
    "out_for_delivery": "signpost-split",
    "delivered": "box-seam",
    "exception": "exclamation-triangle",
}
JUDGEMENT_TONES = {
    "on_time": "success",
    "late": "danger",
    "overdue": "danger",
    "at_risk": "warning",
    "pending": "info",
    "no_deadline": "neutral",
}


@dataclass(frozen=True)
class EtaRow:
    eta: datetime
    revised_at: datetime
    shift_days: int | None  # against the previous ETA; None for the first


@dataclass(frozen=True)
class ShipmentCard:
    shipment: Shipment
    carries: list[str]  # "LED panel: 400 pcs"
    events: list[ShipmentEvent]
    etas: list[EtaRow]


def _tracking(actor: Actor, order_id: str) -> Tracking:
    try:
        return tracking_for_order(actor, order_id)
    except DomainError as error:
        not_found_on(error)
        raise


def _side(actor: Actor, view: Tracking) -> str:
    if actor.org_id == view.order.buyer_id:
        return "buyer"
    return "supplier" if actor.org_id == view.order.supplier_id else ""


def verdict(judgement: Judgement) -> str:
    """One sentence for the on-time judgement, in the active language."""
    days = judgement.days_late
    if judgement.status == "on_time":
        return _("On time")
    if judgement.status == "late":
        return _("Late by %(days)s days") % {"days": days} if days != 1 else _("Late by 1 day")
    if judgement.status == "overdue":
        if judgement.measured_at == "delivery":
            return _("Running late: not delivered, %(days)s days past the deadline") % {"days": days}
        return _("Running late: not handed to the carrier, %(days)s days past the deadline") % {"days": days}
    if judgement.status == "at_risk":
        return _("Running late: expected %(days)s days after the deadline") % {"days": days}
    if judgement.status == "no_deadline":
        return _("No deadline yet")
    return _("On track")


def _cards(shipments: list[Shipment]) -> list[ShipmentCard]:
    cards = []
    for shipment in shipments:
        events = tracking.chronological(list(shipment.events.all()))
        history = tracking.eta_history(events, shipment.estimated_arrival, shipment.created_at)
        rows = [
            EtaRow(r.eta, r.revised_at, None if i == 0 else (r.eta.date() - history[i - 1].eta.date()).days)
            for i, r in enumerate(history)
        ]
        carries = [f"{p.line.product_name}: {quantity_text(p.quantity)} {p.line.unit}" for p in shipment.lines.all()]
        cards.append(ShipmentCard(shipment, carries, list(reversed(events)), rows))
    return cards


def _live_context(actor: Actor, view: Tracking) -> dict[str, Any]:
    return {
        "order": view.order,
        "side": _side(actor, view),
        "judgement": view.judgement,
        "verdict": verdict(view.judgement),
        "tone": JUDGEMENT_TONES.get(view.judgement.status, "neutral"),
        "held": view.held_by_inspection,
        "cards": _cards(view.shipments),
        "remaining": remaining_lines(view.lines, view.shipments),
        "icons": EVENT_ICONS,
        "kinds": dict(EventKind.choices),
        "poll_seconds": POLL_SECONDS,
    }


def _page(request: HttpRequest, actor: Actor, view: Tracking, status: int = 200, **forms: Any) -> HttpResponse:
    context = _live_context(actor, view)
    if context["side"] == "supplier":
        choices = [(s.id, f"{s.carrier} · {s.tracking_number}") for s in view.shipments]
        context.update(
            shipment_form=forms.get("shipment_form") or ShipmentForm(remaining=context["remaining"]),
            event_form=forms.get("event_form") or ShipmentEventForm(shipments=choices),
            import_form=forms.get("import_form") or TrackingImportForm(),
            can_ship=actor.can("order.ship") and view.order.status in services.OPEN_FOR_SHIPMENTS,
            can_record=actor.can("order.ship") and bool(view.shipments),
            csv_header=",".join(["tracking_number", "kind", "occurred_at", "location", "description", "eta"]),
        )
    return render(request, "web/shipments/tracking.html", context, status=status)


@login_required
def order_tracking(request: HttpRequest, order_id: str) -> HttpResponse:
    actor = actor_of(request)
    return _page(request, actor, _tracking(actor, order_id))


@login_required
def order_tracking_live(request: HttpRequest, order_id: str) -> HttpResponse:
    """The part of the tracking page htmx refreshes every POLL_SECONDS."""
    actor = actor_of(request)
    return render(request, "web/shipments/_live.html", _live_context(actor, _tracking(actor, order_id)))


def _supplier_view(request: HttpRequest, order_id: str) -> tuple[Actor, Tracking]:
    """The forms are the supplier's: a buyer or staff member posting them gets a 403 page."""
    actor = actor_of(request)
    view = _tracking(actor, order_id)
    if _side(actor, view) != "supplier":
        raise PermissionDenied(_("Only the supplier records shipments."))
    return actor, view


def _back(order_id: str) -> str:
    return reverse("web:order_tracking", args=[order_id])


@login_required
@require_POST
def shipment_new(request: HttpRequest, order_id: str) -> HttpResponse:
    actor, view = _supplier_view(request, order_id)
    form = ShipmentForm(request.POST, remaining=remaining_lines(view.lines, view.shipments))
    if form.is_valid():
        lines = [services.LineQuantity(position=p, quantity=q) for p, q in form.quantities()]
        try:
            services.shipment_create(
                actor=actor,
                order_id=order_id,
                mode=form.cleaned_data["mode"],
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
                origin=form.cleaned_data["origin"],
                destination=form.cleaned_data["destination"],
                estimated_arrival=form.cleaned_data["estimated_arrival"],
                lines=lines,
            )
        except DomainError as error:
            not_found_on(error)
            _line_error(form, error)
        else:
            messages.success(request, _("Shipment created. Record the carrier's events as they happen."))
            return redirect(_back(order_id))
    return _page(request, actor, _tracking(actor, order_id), status=422, shipment_form=form)


def _line_error(form: ShipmentForm, error: DomainError) -> None:
    """`lines[1].quantity` goes to the field of the second line given a quantity."""
    field = error.field or ""
    if field.startswith("lines[") and "]" in field:
        index = int(field[6 : field.index("]")])
        given = [f"line_{p}" for p, _q in form.quantities()]
        if index < len(given):
            form.add_error(given[index], error.message)
            return
        form.add_error(None, error.message)
        return
    apply_error(form, error)


@login_required
@require_POST
def shipment_event_new(request: HttpRequest, order_id: str) -> HttpResponse:
    actor, view = _supplier_view(request, order_id)
    choices = [(s.id, s.tracking_number) for s in view.shipments]
    form = ShipmentEventForm(request.POST, shipments=choices)
    if form.is_valid():
        data = form.cleaned_data
        try:
            outcome = services.shipment_event_add(
                actor=actor,
                shipment_id=data["shipment_id"],
                event=services.EventInput(
                    kind=data["kind"],
                    occurred_at=data["occurred_at"],
                    location=data["location"],
                    description=data["description"],
                    eta=data["eta"],
                ),
            )
        except DomainError as error:
            not_found_on(error)
            apply_error(form, error)
        else:
            if outcome.duplicate:
                messages.info(request, _("This event was already recorded; nothing changed."))
            else:
                messages.success(request, _("Event recorded."))
            return redirect(_back(order_id))
    return _page(request, actor, _tracking(actor, order_id), status=422, event_form=form)


@login_required
@require_POST
def tracking_import(request: HttpRequest, order_id: str) -> HttpResponse:
    actor, _view = _supplier_view(request, order_id)
    form = TrackingImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = services.events_import(actor=actor, rows=csv_import.parse(form.cleaned_data["text"]))
        except DomainError as error:
            not_found_on(error)
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Imported %(imported)s events (%(duplicates)s already recorded).")
                % {"imported": result.imported, "duplicates": result.duplicates},
            )
            return redirect(_back(order_id))
    return _page(request, actor, _tracking(actor, order_id), status=422, import_form=form)
