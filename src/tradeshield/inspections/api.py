"""Inspection endpoints: thin wrappers around booking, reports and selectors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from tradeshield.files import services as files
from tradeshield.inspections import booking, reports, sampling
from tradeshield.inspections.errors import InspectionNotFound
from tradeshield.inspections.render import render_agency, render_inspection, render_plan, render_sampling_plan
from tradeshield.inspections.schemas import (
    AgencyOut,
    CancelVisitIn,
    DecisionIn,
    FeePaymentIn,
    InspectionOut,
    InspectionRecordOut,
    PhotoOut,
    PlanIn,
    PlanOut,
    ReportIn,
    SamplingPlanOut,
    ScheduleIn,
    VisitIn,
)
from tradeshield.inspections.selectors import (
    accredited_agencies,
    inspection_get,
    supplier_inspection_record,
    visible_inspections,
)
from tradeshield.kit.http import clamp_limit, page
from tradeshield.kit.schemas import ERROR_RESPONSES, Page
from tradeshield.orders.selectors import order_get
from tradeshield.organizations.auth import API_AUTH, actor_of
from tradeshield.organizations.models import Organization, OrgKind

router = Router(tags=["inspections"], auth=API_AUTH)
public = Router(tags=["inspections"])
ERRORS = ERROR_RESPONSES


@public.get(
    "/inspections/sampling-plan",
    response={200: SamplingPlanOut, **ERRORS},
    summary="ISO 2859-1 single sampling plan (normal inspection) for a lot size, level and AQL",
)
def sampling_plan(request: HttpRequest, lot_size: int, level: str = "II", aql: str = "2.5") -> dict[str, Any]:
    return render_sampling_plan(sampling.sampling_plan(lot_size, level, aql))


@router.get("/inspection-agencies", response={200: list[AgencyOut], **ERRORS}, summary="Accredited agencies")
def list_agencies(request: HttpRequest) -> list[dict[str, Any]]:
    return [render_agency(profile) for profile in accredited_agencies()]


@router.get("/orders/{order_id}/inspection-plan", response={200: PlanOut, **ERRORS})
def get_plan(request: HttpRequest, order_id: str) -> dict[str, Any]:
    order = order_get(actor_of(request), order_id)
    return render_plan(booking.plan_for(order))


@router.put(
    "/orders/{order_id}/inspection-plan",
    response={200: PlanOut, **ERRORS},
    summary="Buyer sets the inspection level, AQLs and agency (before a visit is requested)",
)
def put_plan(request: HttpRequest, order_id: str, payload: PlanIn) -> dict[str, Any]:
    aqls: dict[str, Decimal] = {k: v for k, v in payload.aqls.model_dump().items() if v is not None}
    plan = booking.plan_update(
        actor=actor_of(request), order_id=order_id, level=payload.level, aqls=aqls, agency_id=payload.agency_id
    )
    return render_plan(plan)


@router.post(
    "/orders/{order_id}/inspections",
    response={201: InspectionOut, **ERRORS},
    summary="Supplier requests the visit once at least 80 % is packed",
)
def request_visit(request: HttpRequest, order_id: str, payload: VisitIn) -> Status[dict[str, Any]]:
    inspection = booking.visit_request(
        actor=actor_of(request),
        order_id=order_id,
        request=booking.VisitRequest(
            lot_size=payload.lot_size,
            packed_percent=payload.packed_percent,
            ready_date=payload.ready_date,
            site_address=payload.site_address,
            agency_id=payload.agency_id,
        ),
    )
    return Status(201, render_inspection(inspection))


@router.get("/orders/{order_id}/inspections", response={200: list[InspectionOut], **ERRORS})
def order_inspections(request: HttpRequest, order_id: str) -> list[dict[str, Any]]:
    order = order_get(actor_of(request), order_id)
    return [render_inspection(i) for i in visible_inspections(actor_of(request)).filter(order=order)]


@router.get(
    "/inspections", response={200: Page[InspectionOut], **ERRORS}, summary="Visits you can see (agencies: bookings)"
)
def list_inspections(
    request: HttpRequest, status: str | None = None, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    size = clamp_limit(limit)
    rows = visible_inspections(actor_of(request))
    if status:
        rows = rows.filter(status=status)
    if cursor:
        rows = rows.filter(pk__lt=cursor)
    return page(list(rows[: size + 1]), size, lambda i: i.id, render_inspection)


@router.get("/inspections/{inspection_id}", response={200: InspectionOut, **ERRORS})
def get_inspection(request: HttpRequest, inspection_id: str) -> dict[str, Any]:
    return render_inspection(inspection_get(actor_of(request), inspection_id))


def _reload(request: HttpRequest, inspection_id: str) -> dict[str, Any]:
    return render_inspection(inspection_get(actor_of(request), inspection_id))


@router.post(
    "/inspections/{inspection_id}/fee-payment",
    response={200: InspectionOut, 402: ERRORS[400], **ERRORS},
    summary="The paying party pays the inspection fee by card (Idempotency-Key required)",
)
def pay_fee(request: HttpRequest, inspection_id: str, payload: FeePaymentIn) -> dict[str, Any]:
    booking.fee_pay(actor=actor_of(request), inspection_id=inspection_id, card=payload.card.model_dump())
    return _reload(request, inspection_id)


@router.post(
    "/inspections/{inspection_id}/cancel",
    response={200: InspectionOut, **ERRORS},
    summary="Supplier withdraws a visit not yet scheduled; a paid fee is refunded (Idempotency-Key required)",
)
def cancel_visit(request: HttpRequest, inspection_id: str, payload: CancelVisitIn | None = None) -> dict[str, Any]:
    booking.visit_cancel(actor=actor_of(request), inspection_id=inspection_id, reason=payload.reason if payload else "")
    return _reload(request, inspection_id)


@router.post(
    "/inspections/{inspection_id}/schedule", response={200: InspectionOut, **ERRORS}, summary="Agency sets the visit"
)
def schedule_visit(request: HttpRequest, inspection_id: str, payload: ScheduleIn) -> dict[str, Any]:
    booking.visit_schedule(
        actor=actor_of(request),
        inspection_id=inspection_id,
        visit_date=payload.visit_date,
        inspector_id=payload.inspector_id,
    )
    return _reload(request, inspection_id)


@router.post(
    "/inspections/{inspection_id}/photos",
    response={201: PhotoOut, **ERRORS},
    summary="Inspector uploads a photo (JPEG, PNG or WebP, up to 10 MB) for the report",
)
def upload_photo(request: HttpRequest, inspection_id: str, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    inspection = inspection_get(actor, inspection_id)
    if inspection.agency_id != actor.org_id or actor.organization is None:
        raise InspectionNotFound(_("No such inspection."))
    actor.require("inspection.report")
    stored = files.file_store(
        data=file.read(files.MAX_BYTES + 1),
        name=file.name or "photo",
        purpose=reports.PHOTO_PURPOSE,
        organization=actor.organization,
        uploaded_by=actor.user,
    )
    return Status(
        201,
        {
            "id": stored.id,
            "sha256": stored.sha256,
            "size": stored.size,
            "content_type": stored.content_type,
            "name": stored.name,
        },
    )


@router.post("/inspections/{inspection_id}/report", response={200: InspectionOut, **ERRORS}, summary="File the report")
def file_report(request: HttpRequest, inspection_id: str, payload: ReportIn) -> dict[str, Any]:
    reports.report_file(
        actor=actor_of(request),
        inspection_id=inspection_id,
        report=reports.ReportInput(
            critical_found=payload.critical_found,
            major_found=payload.major_found,
            minor_found=payload.minor_found,
            summary=payload.summary,
            photo_ids=payload.photo_ids,
            measurements=[reports.Measurement(**m.model_dump()) for m in payload.measurements],
            passed_override=payload.passed_override,
            override_reason=payload.override_reason,
        ),
    )
    return _reload(request, inspection_id)


@router.post(
    "/inspections/{inspection_id}/decision",
    response={200: InspectionOut, **ERRORS},
    summary="Buyer answers a failed inspection: accept, rework or cancel (Idempotency-Key required)",
)
def decide(request: HttpRequest, inspection_id: str, payload: DecisionIn) -> dict[str, Any]:
    reports.decide(actor=actor_of(request), inspection_id=inspection_id, choice=payload.choice, reason=payload.reason)
    return _reload(request, inspection_id)


@router.get(
    "/suppliers/{supplier_id}/inspection-record",
    response={200: InspectionRecordOut, **ERRORS},
    summary="A supplier's inspected-pass rate",
)
def inspection_record(request: HttpRequest, supplier_id: str) -> dict[str, Any]:
    actor_of(request)
    if not Organization.objects.filter(pk=supplier_id, kind=OrgKind.SUPPLIER).exists():
        raise InspectionNotFound(_("No such supplier."), code="supplier_not_found")
    record = supplier_inspection_record(supplier_id)
    rate = record.pass_rate
    return {
        "supplier_id": supplier_id,
        "inspected_orders": record.inspected_orders,
        "passed_first_time": record.passed_first_time,
        "reports": record.reports,
        "reports_passed": record.reports_passed,
        "pass_rate": None if rate is None else str(rate),
    }
