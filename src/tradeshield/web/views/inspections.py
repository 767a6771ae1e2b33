"""Pre-shipment inspections on the web: the order page's panel, the agency's bookings, photos.

The order page calls `order_panel_context`; its forms post to the views below and come back to the order.
The booking page (`/inspections/<id>/`) is the agency's workspace (schedule, report) and is read-only for
the order's parties and staff. Money-moving forms (the fee, a withdrawal, the buyer's answer, the report that
releases the fee to the agency) run at most once per idempotency key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import wraps
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tradeshield.files import services as files
from tradeshield.files.models import StoredFile
from tradeshield.inspections import booking, reports, sampling
from tradeshield.inspections.models import (
    OPEN_STATUSES,
    BuyerDecision,
    Inspection,
    InspectionReport,
    InspectionStatus,
    OrderInspectionPlan,
)
from tradeshield.inspections.selectors import accredited_agencies, inspection_get, visible_inspections
from tradeshield.kit import clock
from tradeshield.kit.errors import DomainError, Invalid, NotFound
from tradeshield.kit.money import format_amount
from tradeshield.orders.models import Order
from tradeshield.orders.selectors import order_get
from tradeshield.organizations.actors import Actor
from tradeshield.organizations.models import MemberRole, Membership
from tradeshield.web import inspection_forms as iforms
from tradeshield.web.views.common import Outcome, actor_of, apply_error, new_key, not_found_on, run_once
from tradeshield.web.views.order_actions import order_action

CLASSES = ("critical", "major", "minor")
CLASS_LABELS = iforms.CLASS_LABELS
STATUS_TONES: dict[str, str] = {
    InspectionStatus.REQUESTED: "warning",
    InspectionStatus.BOOKED: "info",
    InspectionStatus.SCHEDULED: "primary",
    InspectionStatus.PASSED: "success",
    InspectionStatus.FAILED: "danger",
    InspectionStatus.CANCELLED: "muted",
}
DECISION_LABELS: dict[str, Any] = {
    BuyerDecision.ACCEPT: gettext_lazy("The buyer accepted the goods anyway."),
    BuyerDecision.REWORK: gettext_lazy("The buyer asked for rework and a re-inspection."),
    BuyerDecision.CANCEL: gettext_lazy("The buyer cancelled the order with a full refund."),
}
PAGE_SIZE = 25


# ---------------------------------------------------------------------------------------------------------------
# What the pages show


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # "done", "current", "todo", "failed", "muted"


def steps(inspection: Inspection) -> list[Step]:
    """requested → fee paid → scheduled → passed / failed, as a step indicator."""
    status = inspection.status
    if status == InspectionStatus.CANCELLED:
        paid = inspection.fee_paid_at is not None
        return [
            Step(_("Requested"), "done"),
            Step(_("Fee paid") if paid else _("Fee"), "done" if paid else "muted"),
            Step(_("Withdrawn"), "failed"),
        ]
    reached = {"requested": 0, "booked": 1, "scheduled": 2, "passed": 3, "failed": 3}[status]
    labels = [_("Requested"), _("Fee paid"), _("Scheduled")]
    out = [
        Step(label, "done" if index <= reached else "current" if index == reached + 1 else "todo")
        for index, label in enumerate(labels)
    ]
    if status == InspectionStatus.PASSED:
        out.append(Step(_("Passed"), "done"))
    elif status == InspectionStatus.FAILED:
        out.append(Step(_("Failed"), "failed"))
    else:
        out.append(Step(_("Report"), "current" if reached == 2 else "todo"))
    return out


def sampling_rows(lot_size: int, level: str, aqls: dict[str, Decimal]) -> list[dict[str, Any]]:
    rows = []
    for defect_class in CLASSES:
        plan = sampling.sampling_plan(lot_size, level, aqls[defect_class])
        rows.append({"defect_class": defect_class, "label": CLASS_LABELS[defect_class], "plan": plan})
    return rows


def _aqls(source: Inspection | OrderInspectionPlan) -> dict[str, Decimal]:
    return {"critical": source.aql_critical, "major": source.aql_major, "minor": source.aql_minor}


def _estimated_lot(order: Order) -> int:
    total = sum((line.quantity for line in order.lines.all()), Decimal(0))
    return max(1, min(int(total), sampling.MAX_LOT_SIZE))


def report_view(inspection: Inspection) -> dict[str, Any] | None:
    report: InspectionReport | None = getattr(inspection, "report", None)
    if report is None:
        return None
    return {
        "report": report,
        "classes": [{**c, "label": CLASS_LABELS.get(c["class"], c["class"])} for c in report.plan],
        "photos": list(report.photos.order_by("created_at")),
        "overridden": report.passed != report.computed_passed,
    }


def _agency_choices() -> list[tuple[str, str]]:
    return [
        (
            p.organization_id,
            f"{p.organization.name} — {p.accreditation} · {format_amount(p.fee_usd, 'USD')}",
        )
        for p in accredited_agencies()
    ]


def order_panel_context(actor: Actor, order: Order, side: str) -> dict[str, Any]:
    """The inspection panel of the order page (empty when the order needs no inspection)."""
    if not order.inspection_required:
        return {"inspection_panel": None}
    plan = OrderInspectionPlan.objects.select_related("agency").filter(order=order).first()
    plan = plan or OrderInspectionPlan(order=order)
    visits = list(order.inspections.select_related("agency", "inspector", "report").order_by("-created_at"))
    current = visits[0] if visits else None
    source: Inspection | OrderInspectionPlan = current or plan
    lot_size = current.lot_size if current else _estimated_lot(order)
    open_visit = current is not None and current.status in OPEN_STATUSES
    can_request = (
        side == "supplier"
        and actor.can("order.ship")
        and order.status in booking.INSPECTABLE
        and order.inspection_cleared_at is None
        and not open_visit
        and (
            current is None
            or current.status == InspectionStatus.CANCELLED
            or (current.status == InspectionStatus.FAILED and current.decision == BuyerDecision.REWORK)
        )
    )
    can = {
        "edit_plan": side == "buyer" and not visits and actor.can("order.write"),
        "request": can_request,
        "pay_fee": current is not None
        and current.status == InspectionStatus.REQUESTED
        and side == current.fee_payer
        and actor.can("order.pay"),
        "withdraw": side == "supplier"
        and current is not None
        and current.status in (InspectionStatus.REQUESTED, InspectionStatus.BOOKED)
        and actor.can("order.ship"),
        "decide": side == "buyer"
        and current is not None
        and current.status == InspectionStatus.FAILED
        and not current.decision
        and actor.can("order.receive"),
    }
    agencies = _agency_choices() if can["edit_plan"] or can["request"] else []
    plan_initial = {
        "level": plan.level,
        "aql_critical": format(Decimal(plan.aql_critical).normalize(), "f"),
        "aql_major": format(Decimal(plan.aql_major), "f"),
        "aql_minor": format(Decimal(plan.aql_minor), "f"),
        "agency_id": plan.agency_id or "",
    }
    visit_initial = {
        "lot_size": lot_size,
        "packed_percent": booking.policy().min_packed_percent if can_request else 80,
        "agency_id": plan.agency_id or (current.agency_id if current else ""),
    }
    panel = {
        "plan": plan,
        "plan_agency": plan.agency,
        "aqls": [(CLASS_LABELS[c], _aqls(source)[c]) for c in CLASSES],
        "level": source.level,
        "lot_size": lot_size,
        "lot_estimated": current is None,
        "sampling": sampling_rows(lot_size, source.level, _aqls(source)),
        "current": current,
        "history": visits[1:],
        "steps": steps(current) if current else [],
        "tone": STATUS_TONES.get(current.status, "neutral") if current else "",
        "report": report_view(current) if current else None,
        "decision_label": DECISION_LABELS.get(current.decision, "") if current else "",
        "quality_mark": any(v.status == InspectionStatus.PASSED for v in visits),
        "cleared": order.inspection_cleared_at is not None,
        "can": can,
        "any_action": any(can.values()),
        "keys": {name: new_key() for name in ("fee", "withdraw", "decide")},
        "plan_form": iforms.PlanForm(initial=plan_initial, agencies=agencies) if can["edit_plan"] else None,
        "visit_form": iforms.VisitForm(initial=visit_initial, agencies=agencies) if can_request else None,
        "agency_fixed": bool(plan.agency_id),
        "fee_form": iforms.FeeCardForm() if can["pay_fee"] else None,
        "withdraw_form": iforms.WithdrawForm() if can["withdraw"] else None,
        "decision_form": iforms.DecisionForm() if can["decide"] else None,
    }
    return {"inspection_panel": panel}


# ---------------------------------------------------------------------------------------------------------------
# The order page's inspection forms


def _invalid(request: HttpRequest, form: django_forms.Form, back: str) -> HttpResponse:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))
    return redirect(back)


def _done(request: HttpRequest, back: str, message: str) -> Outcome:
    messages.success(request, message)
    return Outcome(redirect(back), done=True, location=back)


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
        return _invalid(request, form, back)
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
        return _invalid(request, form, back)
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
        return _invalid(request, form, back)
    card = {k: form.cleaned_data[k] for k in ("number", "exp_month", "exp_year", "cvc")}

    def action() -> Outcome:
        inspection = booking.fee_pay(actor=actor, inspection_id=inspection_id, card=card)
        return _done(
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
        return _invalid(request, form, back)

    def action() -> Outcome:
        inspection = booking.visit_cancel(actor=actor, inspection_id=inspection_id, reason=form.cleaned_data["reason"])
        if inspection.fee_refunded:
            return _done(request, back, _("Visit withdrawn. The fee was refunded to the card."))
        return _done(request, back, _("Visit withdrawn."))

    return run_once(request, actor, action, back=back)


@order_action
def decide(request: HttpRequest, actor: Actor, order_id: str, back: str, inspection_id: str) -> HttpResponse:
    _of_order(actor, order_id, inspection_id)
    form = iforms.DecisionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, back)
    choice = form.cleaned_data["choice"]

    def action() -> Outcome:
        reports.decide(actor=actor, inspection_id=inspection_id, choice=choice, reason=form.cleaned_data["reason"])
        done = {
            "accept": _("You accepted the goods. The supplier can ship."),
            "rework": _("Rework requested. The supplier must ask for a re-inspection in time."),
            "cancel": _("Order cancelled. Everything paid is being refunded to you."),
        }
        return _done(request, back, done[choice])

    return run_once(request, actor, action, back=back)


# ---------------------------------------------------------------------------------------------------------------
# The agency's bookings


def _visible(actor: Actor, inspection_id: str) -> Inspection:
    try:
        return inspection_get(actor, inspection_id)
    except DomainError as error:
        not_found_on(error)
        raise


def agency_bookings(actor: Actor) -> Any:
    rows = visible_inspections(actor).select_related("order__buyer", "order__supplier", "inspector")
    if actor.role == MemberRole.INSPECTOR and actor.user is not None:
        rows = rows.filter(inspector_id=actor.user.id)
    return rows


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows = agency_bookings(actor) if actor.is_agency_org else visible_inspections(actor)
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("id")))
    status = request.GET.get("status", "")
    status = status if status in InspectionStatus.values else ""
    if status:
        rows = rows.filter(status=status)
    cursor = request.GET.get("cursor") or ""
    if cursor:
        rows = rows.filter(pk__lt=cursor)
    found = list(rows.select_related("order__buyer", "order__supplier")[: PAGE_SIZE + 1])
    now = clock.now()
    context = {
        "rows": [(i, STATUS_TONES.get(i.status, "neutral"), _overdue(i, now)) for i in found[:PAGE_SIZE]],
        "next_cursor": found[PAGE_SIZE - 1].id if len(found) > PAGE_SIZE else None,
        "status": status,
        "statuses": [(value, label, counts.get(value, 0)) for value, label in InspectionStatus.choices],
        "total": sum(counts.values()),
    }
    if request.headers.get("HX-Request"):
        return render(request, "web/inspections/_list_table.html", context)
    return render(request, "web/inspections/list.html", context)


def _overdue(inspection: Inspection, now: Any) -> bool:
    return (
        inspection.status == InspectionStatus.SCHEDULED
        and inspection.report_due_at is not None
        and now > inspection.report_due_at
    )


def agency_dashboard(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The home page of an inspection agency's members: what needs doing, and what is late."""
    rows = agency_bookings(actor)
    now = clock.now()
    open_rows = list(rows.filter(status__in=OPEN_STATUSES).order_by("scheduled_for", "-id")[:50])
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("id")))
    context = {
        "overdue": [i for i in open_rows if _overdue(i, now)],
        "to_schedule": [i for i in open_rows if i.status == InspectionStatus.BOOKED],
        "upcoming": [i for i in open_rows if i.status == InspectionStatus.SCHEDULED and not _overdue(i, now)],
        "awaiting_fee": [i for i in open_rows if i.status == InspectionStatus.REQUESTED],
        "counts": [
            (value, label, counts.get(value, 0), STATUS_TONES[value]) for value, label in InspectionStatus.choices
        ],
        "is_inspector": actor.role == MemberRole.INSPECTOR,
    }
    return render(request, "web/inspections/dashboard.html", context)


def _specs(order: Order) -> list[dict[str, Any]]:
    """One measurement field per agreed attribute of each line."""
    out = []
    for line in order.lines.all():
        for index, attribute in enumerate(line.attributes or []):
            tolerance = attribute.get("tolerance") or ""
            expected = f"{attribute.get('value', '')}{' ' + attribute['unit'] if attribute.get('unit') else ''}"
            out.append(
                {
                    "field": f"m_{line.position}_{index}",
                    "line": line.position,
                    "product": line.product_name,
                    "name": attribute.get("name", ""),
                    "expected": expected,
                    "tolerance": tolerance,
                    "label": f"{line.product_name}: {attribute.get('name', '')}",
                }
            )
    return out


def _inspectors(agency_id: str) -> list[tuple[str, str]]:
    members = Membership.objects.select_related("user").filter(
        organization_id=agency_id, role__in=[MemberRole.INSPECTOR, MemberRole.OWNER]
    )
    return [
        (m.user_id, f"{m.user.full_name or m.user.email} ({m.get_role_display()})")
        for m in members.order_by("user__email")
    ]


def _booking_page(
    request: HttpRequest,
    actor: Actor,
    inspection: Inspection,
    *,
    schedule_form: iforms.ScheduleForm | None = None,
    report_form: iforms.ReportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    order = inspection.order
    is_agency = actor.org_id == inspection.agency_id
    assigned = actor.role != MemberRole.INSPECTOR or (
        actor.user is not None and inspection.inspector_id == actor.user.id
    )
    can_schedule = (
        is_agency
        and actor.can("inspection.schedule")
        and inspection.status in (InspectionStatus.BOOKED, InspectionStatus.SCHEDULED)
    )
    can_report = (
        is_agency and actor.can("inspection.report") and inspection.status == InspectionStatus.SCHEDULED and assigned
    )
    min_date: date = max(clock.today(), inspection.ready_date)
    if can_schedule and schedule_form is None:
        schedule_form = iforms.ScheduleForm(
            initial={"visit_date": inspection.scheduled_for or min_date, "inspector_id": inspection.inspector_id},
            inspectors=_inspectors(inspection.agency_id),
            min_date=min_date,
        )
    if can_report and report_form is None:
        report_form = iforms.ReportForm(specs=_specs(order))
    aqls = _aqls(inspection)
    context = {
        "inspection": inspection,
        "order": order,
        "lines": list(order.lines.all()),
        "is_agency": is_agency,
        "read_only": not is_agency,
        "tone": STATUS_TONES.get(inspection.status, "neutral"),
        "steps": steps(inspection),
        "sampling": sampling_rows(inspection.lot_size, inspection.level, aqls),
        "aqls": [(CLASS_LABELS[c], aqls[c]) for c in CLASSES],
        "report": report_view(inspection),
        "overdue": _overdue(inspection, clock.now()),
        "decision_label": DECISION_LABELS.get(inspection.decision, ""),
        "can_schedule": can_schedule,
        "can_report": can_report,
        "not_assigned": is_agency and inspection.status == InspectionStatus.SCHEDULED and not assigned,
        "schedule_form": schedule_form if can_schedule else None,
        "report_form": report_form if can_report else None,
        "report_key": new_key(),
        "verdict": _verdict_view(inspection, {c: 0 for c in CLASSES}) if can_report else None,
        "order_visible": actor.org_id in (order.buyer_id, order.supplier_id) or actor.is_staff,
    }
    return render(request, "web/inspections/detail.html", context, status=status)


@login_required
@require_GET
def inspection_detail(request: HttpRequest, inspection_id: str) -> HttpResponse:
    actor = actor_of(request)
    return _booking_page(request, actor, _visible(actor, inspection_id))


ActionView = Callable[..., HttpResponse]


def booking_action(view: ActionView) -> ActionView:
    """POST only, signed in; the booking's agency only (404 for anyone else, as the API does)."""

    @login_required
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, inspection_id: str) -> HttpResponse:
        actor = actor_of(request)
        inspection = _visible(actor, inspection_id)
        if actor.org_id is None or actor.org_id != inspection.agency_id:
            raise Http404("No such booking.")
        back = reverse("web:inspection_detail", args=[inspection_id])
        try:
            return view(request, actor, inspection, back)
        except DomainError as error:
            not_found_on(error)
            messages.error(request, error.message)
            return redirect(back)

    return wrapper


@booking_action
def inspection_schedule(request: HttpRequest, actor: Actor, inspection: Inspection, back: str) -> HttpResponse:
    form = iforms.ScheduleForm(
        request.POST,
        inspectors=_inspectors(inspection.agency_id),
        min_date=max(clock.today(), inspection.ready_date),
    )
    if not form.is_valid():
        return _booking_page(request, actor, inspection, schedule_form=form, status=422)
    try:
        booking.visit_schedule(
            actor=actor,
            inspection_id=inspection.id,
            visit_date=form.cleaned_data["visit_date"],
            inspector_id=form.cleaned_data["inspector_id"],
        )
    except DomainError as error:
        not_found_on(error)
        if error.status == 403:
            raise
        apply_error(form, error)
        return _booking_page(request, actor, inspection, schedule_form=form, status=422)
    messages.success(request, _("Visit scheduled. The inspector sees it on their dashboard."))
    return redirect(back)


MEASUREMENT_FIELD = re.compile(r"^measurements\[(\d+)\]")


@booking_action
def inspection_report(request: HttpRequest, actor: Actor, inspection: Inspection, back: str) -> HttpResponse:
    specs = _specs(inspection.order)
    form = iforms.ReportForm(request.POST, request.FILES, specs=specs)
    if not form.is_valid():
        return _booking_page(request, actor, inspection, report_form=form, status=422)
    data = form.cleaned_data
    filled = [spec for spec in specs if (data.get(spec["field"]) or "").strip()]
    measurements = [reports.Measurement(line=s["line"], name=s["name"], measured=data[s["field"]]) for s in filled]
    override = {"pass": True, "fail": False}.get(data.get("override") or "")
    organization = actor.organization
    assert organization is not None  # booking_action let only the agency's members in

    def action() -> Outcome:
        try:
            with transaction.atomic():  # photos of a refused report are not kept as rows
                photo_ids = [
                    files.file_store(
                        data=upload.read(files.MAX_BYTES + 1),
                        name=upload.name or "photo",
                        purpose=reports.PHOTO_PURPOSE,
                        organization=organization,
                        uploaded_by=actor.user,
                        field="photos",
                    ).id
                    for upload in data["photos"]
                ]
                reports.report_file(
                    actor=actor,
                    inspection_id=inspection.id,
                    report=reports.ReportInput(
                        critical_found=data["critical_found"],
                        major_found=data["major_found"],
                        minor_found=data["minor_found"],
                        summary=data["summary"],
                        photo_ids=photo_ids,
                        measurements=measurements,
                        passed_override=override,
                        override_reason=data.get("override_reason") or "",
                    ),
                )
        except DomainError as error:
            not_found_on(error)
            if error.status == 403:
                raise
            match = MEASUREMENT_FIELD.match(error.field or "")
            if match and int(match.group(1)) < len(filled):
                form.add_error(filled[int(match.group(1))]["field"], error.message)
            else:
                apply_error(form, error, {"photo_ids": "photos", "file": "photos"})
            fresh = Inspection.objects.select_related("order", "agency").get(pk=inspection.id)
            return Outcome(_booking_page(request, actor, fresh, report_form=form, status=422), done=False)
        return _done(request, back, _("Report filed. Both parties of the order were notified."))

    return run_once(request, actor, action, back=back)


def _count(value: Any) -> int | None:
    text = str(value or "0").strip()
    return int(text) if text.isdigit() else None


def _verdict_view(inspection: Inspection, found: dict[str, int]) -> dict[str, Any]:
    verdict = sampling.verdict(inspection.lot_size, inspection.level, _aqls(inspection), found)
    return {
        "passed": verdict.passed,
        "classes": [
            {
                "label": CLASS_LABELS[c.defect_class],
                "found": c.found,
                "accept": c.plan.accept,
                "reject": c.plan.reject,
                "passed": c.passed,
            }
            for c in verdict.classes
        ],
    }


@login_required
@require_GET
def inspection_verdict(request: HttpRequest, inspection_id: str) -> HttpResponse:
    """The verdict the typed defect counts would give (htmx, as the inspector types)."""
    actor = actor_of(request)
    inspection = _visible(actor, inspection_id)
    counts = {c: _count(request.GET.get(f"{c}_found")) for c in CLASSES}
    if any(v is None for v in counts.values()):
        return render(request, "web/inspections/_verdict.html", {"verdict": None, "invalid": True})
    found = {c: v for c, v in counts.items() if v is not None}
    return render(request, "web/inspections/_verdict.html", {"verdict": _verdict_view(inspection, found)})


# ---------------------------------------------------------------------------------------------------------------
# Stored files (inspection photos)


def _may_read(actor: Actor, stored: StoredFile) -> bool:
    if actor.is_staff:
        return True
    org = actor.org_id
    if org is None:
        return False
    if stored.organization_id == org:
        return True
    return InspectionReport.objects.filter(
        Q(inspection__order__buyer_id=org) | Q(inspection__order__supplier_id=org), photos=stored
    ).exists()


@login_required
@require_GET
def stored_file(request: HttpRequest, file_id: str) -> HttpResponse:
    """A stored file for its uploader, the parties of the order it documents, and staff; 404 for anyone else."""
    actor = actor_of(request)
    stored = StoredFile.objects.filter(pk=file_id).first()
    if stored is None or not _may_read(actor, stored):
        raise Http404("No such file.")
    try:
        data = files.file_read(stored)
    except NotFound as error:
        raise Http404(error.message) from error
    except Invalid:
        return HttpResponse(_("This file failed its integrity check."), status=409, content_type="text/plain")
    inline = stored.content_type in files.IMAGE_TYPES
    response = HttpResponse(data, content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = content_disposition_header(not inline, stored.name) or ""
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
