"""The inspector's report, the verdict from the sampling plan, and the buyer's answer to a failure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tradeshield.files.models import StoredFile
from tradeshield.inspections import fees, sampling
from tradeshield.inspections.booking import (
    inspection_event,
    lock_as_agency,
    lock_as_party,
    plan_for,
    policy,
    require_assigned,
)
from tradeshield.inspections.errors import InspectionInvalid, InspectionStateError
from tradeshield.inspections.models import BuyerDecision, Inspection, InspectionReport, InspectionStatus
from tradeshield.kit import clock
from tradeshield.orders import paying
from tradeshield.orders.models import Order
from tradeshield.orders.services import require_party
from tradeshield.organizations.actors import Actor

PHOTO_PURPOSE = "inspection_photo"
MAX_PHOTOS = 50


@dataclass(frozen=True)
class Measurement:
    line: int
    name: str
    measured: str


@dataclass(frozen=True)
class ReportInput:
    critical_found: int
    major_found: int
    minor_found: int
    summary: str
    photo_ids: list[str]
    measurements: list[Measurement] = field(default_factory=list)
    passed_override: bool | None = None
    override_reason: str = ""


def _number(text: Any) -> Decimal | None:
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _measure(order: Order, measurements: list[Measurement]) -> list[dict[str, Any]]:
    """Compare each measurement with the agreed attribute of its line (value ± tolerance)."""
    lines = {line.position: line for line in order.lines.all()}
    out = []
    for index, m in enumerate(measurements):
        where = f"measurements[{index}]"
        line = lines.get(m.line)
        if line is None:
            raise InspectionInvalid(_("No order line at this position."), field=f"{where}.line")
        spec = next((a for a in line.attributes if str(a.get("name", "")).lower() == m.name.lower()), None)
        if spec is None:
            raise InspectionInvalid(_("The line has no agreed specification with this name."), field=f"{where}.name")
        expected, tolerance, measured = (
            _number(spec.get("value")),
            _number(spec.get("tolerance") or 0),
            _number(m.measured),
        )
        if expected is not None and measured is None:
            raise InspectionInvalid(_("This specification is numeric; give a number."), field=f"{where}.measured")
        if expected is not None and measured is not None and tolerance is not None:
            ok = abs(measured - expected) <= tolerance
        else:
            ok = str(spec.get("value", "")).strip().lower() == m.measured.strip().lower()
        out.append(
            {
                "line": m.line,
                "name": spec.get("name"),
                "expected": spec.get("value"),
                "unit": spec.get("unit", ""),
                "tolerance": spec.get("tolerance", ""),
                "measured": m.measured,
                "ok": ok,
            }
        )
    return out


def _photos(inspection: Inspection, photo_ids: list[str]) -> list[StoredFile]:
    if not photo_ids:
        raise InspectionInvalid(_("Attach at least one photo of the goods."), field="photo_ids", code="photos_required")
    if len(photo_ids) > MAX_PHOTOS:
        raise InspectionInvalid(_("At most %(max)s photos.") % {"max": MAX_PHOTOS}, field="photo_ids")
    found = list(
        StoredFile.objects.filter(pk__in=photo_ids, organization_id=inspection.agency_id, purpose=PHOTO_PURPOSE)
    )
    if len(found) != len(set(photo_ids)):
        raise InspectionInvalid(_("Some photos are not your agency's uploads."), field="photo_ids")
    return found


@transaction.atomic
def report_file(*, actor: Actor, inspection_id: str, report: ReportInput) -> Inspection:
    order, inspection = lock_as_agency(actor, inspection_id, "inspection.report")
    require_assigned(actor, inspection)
    if inspection.status != InspectionStatus.SCHEDULED:
        raise InspectionStateError(
            _("A visit that is %(status)s takes no report.") % {"status": inspection.status}, code="inspection_not_open"
        )
    if not report.summary.strip():
        raise InspectionInvalid(_("Summarise what was inspected and found."), field="summary")
    found = {"critical": report.critical_found, "major": report.major_found, "minor": report.minor_found}
    aqls = {"critical": inspection.aql_critical, "major": inspection.aql_major, "minor": inspection.aql_minor}
    verdict = sampling.verdict(inspection.lot_size, inspection.level, aqls, found)
    passed = verdict.passed
    if report.passed_override is not None and report.passed_override != verdict.passed:
        if not report.override_reason.strip():
            raise InspectionInvalid(
                _("Overriding the computed verdict needs a written reason."),
                field="override_reason",
                code="override_reason_required",
            )
        passed = report.passed_override
    photos = _photos(inspection, report.photo_ids)
    row = InspectionReport.objects.create(
        inspection=inspection,
        critical_found=report.critical_found,
        major_found=report.major_found,
        minor_found=report.minor_found,
        sample_size=max(c.plan.sample_size for c in verdict.classes),
        plan=[
            {
                "class": c.defect_class,
                "aql": str(c.plan.aql),
                "code_letter": c.plan.code_letter,
                "sample_size": c.plan.sample_size,
                "accept": c.plan.accept,
                "reject": c.plan.reject,
                "found": c.found,
                "passed": c.passed,
            }
            for c in verdict.classes
        ],
        measurements=_measure(order, report.measurements),
        summary=report.summary.strip(),
        computed_passed=verdict.passed,
        passed=passed,
        override_reason=report.override_reason.strip() if passed != verdict.passed else "",
        filed_by=actor.user,
    )
    row.photos.set(photos)
    if inspection.purpose != "dispute":  # a dispute visit's fee is settled at the decision
        fees.fee_earn(inspection)
    now = clock.now()
    inspection.status = InspectionStatus.PASSED if passed else InspectionStatus.FAILED
    inspection.updated_at = now
    late = inspection.report_due_at is not None and now > inspection.report_due_at
    inspection_event(
        order,
        f"inspection.{inspection.status}",
        actor,
        inspection,
        computed_passed=verdict.passed,
        overridden=passed != verdict.passed,
        filed_late=late,
    )
    if inspection.purpose == "dispute":
        pass  # the case's evidence; the order itself is not cleared nor failed by it
    elif passed:
        Order.objects.filter(pk=order.pk).update(inspection_cleared_at=now, updated_at=now)
    elif inspection.fee_payer == "buyer":
        inspection.fee_refunded = fees.fee_reimburse_buyer(inspection, order)
        inspection_event(order, "inspection.fee_refunded", None, inspection, amount=inspection.fee_refunded)
    inspection.save()
    return inspection


@transaction.atomic
def decide(*, actor: Actor, inspection_id: str, choice: str, reason: str = "") -> Inspection:
    """After a failed report the buyer accepts the goods, asks for rework, or cancels for a full refund."""
    order, inspection = lock_as_party(actor, inspection_id)
    require_party(actor, order, "buyer", "order.receive")
    if choice not in BuyerDecision.values:
        raise InspectionInvalid(_("Choose accept, rework or cancel."), field="choice")
    latest = order.inspections.order_by("-created_at").values_list("pk", flat=True).first()
    if inspection.status != InspectionStatus.FAILED or inspection.decision or latest != inspection.id:
        raise InspectionStateError(
            _("Only the latest failed inspection awaits your decision."), code="decision_not_open"
        )
    now = clock.now()
    inspection.decision, inspection.decided_at, inspection.updated_at = choice, now, now
    inspection.save()
    inspection_event(order, f"inspection.buyer_chose_{choice}", actor, inspection, reason=reason)
    if choice == BuyerDecision.ACCEPT:
        Order.objects.filter(pk=order.pk).update(inspection_cleared_at=now, updated_at=now)
    elif choice == BuyerDecision.REWORK:
        plan = plan_for(order)
        plan.rework_due_at = now + timedelta(days=policy().rework_days)
        plan.save(update_fields=["rework_due_at"])
    else:
        paying.cancel_and_refund(order, actor, reason or "The goods failed inspection.", inspection_id=inspection.id)
    return inspection
