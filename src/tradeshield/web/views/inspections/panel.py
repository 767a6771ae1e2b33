"""The inspection panel on the order page: plan, sampling, steps, report, the actions open to the viewer."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tradeshield.inspections import booking, sampling
from tradeshield.inspections.models import (
    OPEN_STATUSES,
    BuyerDecision,
    Inspection,
    InspectionReport,
    InspectionStatus,
    OrderInspectionPlan,
)
from tradeshield.inspections.selectors import accredited_agencies
from tradeshield.kit.money import format_amount
from tradeshield.orders.models import Order
from tradeshield.organizations.actors import Actor
from tradeshield.web import inspection_forms as iforms
from tradeshield.web.views.common import new_key

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


def aqls_of(source: Inspection | OrderInspectionPlan) -> dict[str, Decimal]:
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
        "aqls": [(CLASS_LABELS[c], aqls_of(source)[c]) for c in CLASSES],
        "level": source.level,
        "lot_size": lot_size,
        "lot_estimated": current is None,
        "sampling": sampling_rows(lot_size, source.level, aqls_of(source)),
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
