"""Inspections as the API returns them (also used by the web pages)."""

from __future__ import annotations

from typing import Any

from tradeshield.inspections.models import AgencyProfile, Inspection, InspectionStatus, OrderInspectionPlan
from tradeshield.inspections.sampling import SamplingPlan
from tradeshield.kit import clock
from tradeshield.kit.schemas import money


def render_sampling_plan(plan: SamplingPlan) -> dict[str, Any]:
    return {
        "lot_size": plan.lot_size,
        "level": str(plan.level),
        "aql": format(plan.aql.normalize(), "f"),
        "code_letter": plan.code_letter,
        "plan_letter": plan.plan_letter,
        "sample_size": plan.sample_size,
        "accept": plan.accept,
        "reject": plan.reject,
        "inspect_whole_lot": plan.inspect_whole_lot,
        "arrow": plan.arrow,
    }


def render_agency(profile: AgencyProfile) -> dict[str, Any]:
    org = profile.organization
    return {
        "id": org.id,
        "name": org.name,
        "country": org.country,
        "accreditation": profile.accreditation,
        "accreditation_body": profile.accreditation_body,
        "accreditation_number": profile.accreditation_number,
        "accredited_until": profile.accredited_until,
        "countries": profile.countries,
        "fee_usd": money(profile.fee_usd, "USD"),
        "report_due_hours": profile.report_due_hours,
    }


def _aql(value: Any) -> str:
    return format(value.normalize(), "f")


def render_plan(plan: OrderInspectionPlan) -> dict[str, Any]:
    return {
        "order_id": plan.order_id,
        "level": plan.level,
        "aqls": {"critical": _aql(plan.aql_critical), "major": _aql(plan.aql_major), "minor": _aql(plan.aql_minor)},
        "agency_id": plan.agency_id,
        "rework_due_at": plan.rework_due_at,
        "frozen": plan.order.inspections.exists(),
    }


def _report(inspection: Inspection) -> dict[str, Any] | None:
    report = getattr(inspection, "report", None)
    if report is None:
        return None
    return {
        "critical_found": report.critical_found,
        "major_found": report.major_found,
        "minor_found": report.minor_found,
        "sample_size": report.sample_size,
        "classes": [{**c, "defect_class": c["class"]} for c in report.plan],
        "measurements": report.measurements,
        "summary": report.summary,
        "computed_passed": report.computed_passed,
        "passed": report.passed,
        "override_reason": report.override_reason,
        "photos": [
            {"id": p.id, "sha256": p.sha256, "size": p.size, "content_type": p.content_type, "name": p.name}
            for p in report.photos.order_by("created_at")
        ],
        "filed_at": report.filed_at,
    }


def render_inspection(inspection: Inspection) -> dict[str, Any]:
    cur = inspection.currency
    overdue = (
        inspection.status == InspectionStatus.SCHEDULED
        and inspection.report_due_at is not None
        and clock.now() > inspection.report_due_at
    )
    return {
        "id": inspection.id,
        "order_id": inspection.order_id,
        "agency": {"id": inspection.agency_id, "name": inspection.agency.name},
        "status": inspection.status,
        "is_reinspection": inspection.is_reinspection,
        "level": inspection.level,
        "aqls": {
            "critical": _aql(inspection.aql_critical),
            "major": _aql(inspection.aql_major),
            "minor": _aql(inspection.aql_minor),
        },
        "lot_size": inspection.lot_size,
        "packed_percent": inspection.packed_percent,
        "ready_date": inspection.ready_date,
        "site_address": inspection.site_address,
        "fee": money(inspection.fee_amount, cur),
        "fee_payer": inspection.fee_payer,
        "fee_paid_at": inspection.fee_paid_at,
        "fee_refunded": money(inspection.fee_refunded, cur),
        "scheduled_for": inspection.scheduled_for,
        "inspector_id": inspection.inspector_id,
        "report_due_at": inspection.report_due_at,
        "report_overdue": overdue,
        "decision": inspection.decision,
        "decided_at": inspection.decided_at,
        "report": _report(inspection),
        "created_at": inspection.created_at,
        "updated_at": inspection.updated_at,
    }
