"""Reads for inspections, scoped: the order's two parties, the booked agency, and staff."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from tradeshield.inspections.errors import InspectionNotFound
from tradeshield.inspections.models import AgencyProfile, Inspection, InspectionStatus
from tradeshield.kit import clock
from tradeshield.organizations.actors import Actor


def visible_inspections(actor: Actor) -> QuerySet[Inspection]:
    base = Inspection.objects.select_related("order", "agency", "report").order_by("-id")
    if actor.organization is None:
        return base if actor.is_staff else base.none()
    org = actor.org_id
    return base.filter(Q(agency_id=org) | Q(order__buyer_id=org) | Q(order__supplier_id=org))


def inspection_get(actor: Actor, inspection_id: str) -> Inspection:
    inspection = visible_inspections(actor).filter(pk=inspection_id).first()
    if inspection is None:
        raise InspectionNotFound(_("No such inspection."))
    return inspection


def accredited_agencies() -> QuerySet[AgencyProfile]:
    return (
        AgencyProfile.objects.select_related("organization")
        .filter(accredited_until__gte=clock.today())
        .order_by("organization__name")
    )


def quality_marked(order_ids: list[str]) -> set[str]:
    """Orders whose goods passed a third-party inspection."""
    return set(
        Inspection.objects.filter(order_id__in=order_ids, status=InspectionStatus.PASSED).values_list(
            "order_id", flat=True
        )
    )


@dataclass(frozen=True)
class InspectionRecord:
    inspected_orders: int
    passed_first_time: int
    reports: int
    reports_passed: int

    @property
    def pass_rate(self) -> Decimal | None:
        """Share of inspected orders whose first report passed (what buyers and the rating use)."""
        if not self.inspected_orders:
            return None
        return (Decimal(self.passed_first_time) / self.inspected_orders).quantize(Decimal("0.0001"))


def supplier_inspection_record(supplier_id: str) -> InspectionRecord:
    """One aggregate query over the supplier's filed reports."""
    filed = Inspection.objects.filter(
        order__supplier_id=supplier_id, status__in=[InspectionStatus.PASSED, InspectionStatus.FAILED]
    )
    totals = filed.aggregate(
        reports=Count("pk"),
        reports_passed=Count("pk", filter=Q(status=InspectionStatus.PASSED)),
        inspected_orders=Count("order_id", distinct=True, filter=Q(is_reinspection=False)),
        passed_first_time=Count("pk", filter=Q(is_reinspection=False, status=InspectionStatus.PASSED)),
    )
    return InspectionRecord(**totals)
