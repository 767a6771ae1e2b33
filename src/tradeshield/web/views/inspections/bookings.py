"""The agency's workspace: bookings list, dashboard, booking page with schedule and report forms, live verdict."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tradeshield.files import services as files
from tradeshield.inspections import booking, reports, sampling
from tradeshield.inspections.models import (
    OPEN_STATUSES,
    Inspection,
    InspectionStatus,
)
from tradeshield.inspections.selectors import inspection_get, visible_inspections
from tradeshield.kit import clock
from tradeshield.kit.errors import DomainError
from tradeshield.orders.models import Order
from tradeshield.organizations.actors import Actor
from tradeshield.organizations.models import MemberRole, Membership
from tradeshield.web import inspection_forms as iforms
from tradeshield.web.views.common import Outcome, actor_of, apply_error, new_key, not_found_on, run_once
from tradeshield.web.views.inspections.panel import (
    CLASS_LABELS,
    CLASSES,
    DECISION_LABELS,
    PAGE_SIZE,
    STATUS_TONES,
    aqls_of,
    report_view,
    sampling_rows,
    steps,
)
from tradeshield.web.views.order_actions import succeeded


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
    aqls = aqls_of(inspection)
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
        return succeeded(request, back, _("Report filed. Both parties of the order were notified."))

    return run_once(request, actor, action, back=back)


def _count(value: Any) -> int | None:
    text = str(value or "0").strip()
    return int(text) if text.isdigit() else None


def _verdict_view(inspection: Inspection, found: dict[str, int]) -> dict[str, Any]:
    verdict = sampling.verdict(inspection.lot_size, inspection.level, aqls_of(inspection), found)
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
