"""Reads of disputes, scoped to the acting user: the two parties, the assigned expert(s), and
platform admins and support agents (read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from tradeshield.accounts.models import StaffRole, User
from tradeshield.disputes.errors import DisputeNotFound
from tradeshield.disputes.models import ARBITRATION_STATUSES, OPEN_STATUSES, Dispute
from tradeshield.inspections.models import Inspection
from tradeshield.kit import clock
from tradeshield.orders.models import Order, OrderEvent
from tradeshield.organizations.actors import Actor
from tradeshield.shipments.models import ShipmentEvent

READ_ALL_ROLES = (StaffRole.ADMIN, StaffRole.SUPPORT_AGENT)


def disputes_visible_to(actor: Actor) -> QuerySet[Dispute]:
    rows = Dispute.objects.select_related("order", "buyer", "supplier", "expert")
    if actor.organization is not None:
        return rows.filter(Q(buyer=actor.organization) | Q(supplier=actor.organization))
    if actor.staff_role in READ_ALL_ROLES:
        return rows
    if actor.staff_role == StaffRole.TRADE_EXPERT and actor.user is not None:
        return rows.filter(Q(expert=actor.user) | Q(first_expert=actor.user))
    return rows.none()


def dispute_get(actor: Actor, dispute_id: str) -> Dispute:
    dispute = disputes_visible_to(actor).filter(pk=dispute_id).first()
    if dispute is None:
        raise DisputeNotFound(_("No such dispute."))
    return dispute


def dispute_for_expert(actor: Actor, dispute_id: str) -> Dispute:
    """For a trade expert acting on a case: any existing case, so that one not assigned to them is
    refused by the service with a clear 403 (`dispute_not_assigned`) rather than a 404."""
    if actor.staff_role == StaffRole.TRADE_EXPERT:
        dispute = Dispute.objects.filter(pk=dispute_id).first()
        if dispute is None:
            raise DisputeNotFound(_("No such dispute."))
        return dispute
    return dispute_get(actor, dispute_id)


def side_of(actor: Actor, dispute: Dispute) -> str | None:
    """ "buyer", "supplier", "expert" (the one assigned now) or None (read-only viewer)."""
    if actor.org_id and actor.org_id == dispute.buyer_id:
        return "buyer"
    if actor.org_id and actor.org_id == dispute.supplier_id:
        return "supplier"
    if actor.user is not None and actor.staff_role == StaffRole.TRADE_EXPERT and dispute.expert_id == actor.user.id:
        return "expert"
    return None


def open_dispute(order_id: str) -> Dispute | None:
    return Dispute.objects.filter(order_id=order_id, status__in=OPEN_STATUSES).first()


def open_dispute_freeze(order: Order) -> str | None:
    """Registered with orders.freezes: an open dispute freezes the order's escrow."""
    dispute = open_dispute(order.id)
    if dispute is None:
        return None
    return _("Dispute %(dispute)s is open on this order: its funds are frozen until it is resolved.") % {
        "dispute": dispute.id
    }


def expert_queue(user: User) -> QuerySet[Dispute]:
    """The cases assigned to an expert, most urgent first."""
    return (
        Dispute.objects.select_related("order", "buyer", "supplier")
        .filter(expert=user, status__in=OPEN_STATUSES)
        .order_by("escalated_at", "id")
    )


def expert_workloads(exclude: set[str] | None = None) -> list[tuple[User, int]]:
    """Active trade experts with their open case counts, fewest first (ties by id, for stability)."""
    experts = (
        User.objects.filter(staff_role=StaffRole.TRADE_EXPERT, is_active=True)
        .exclude(pk__in=exclude or set())
        .annotate(open_cases=Count("assigned_disputes", filter=Q(assigned_disputes__status__in=ARBITRATION_STATUSES)))
        .order_by("open_cases", "id")
    )
    return [(expert, expert.open_cases) for expert in experts]


def timeline(dispute: Dispute) -> list[OrderEvent]:
    return list(
        OrderEvent.objects.filter(order_id=dispute.order_id, data__dispute_id=dispute.id).order_by("created_at", "id")
    )


@dataclass(frozen=True)
class AttachedEvidence:
    kind: str  # "tracking", "inspection", "order_event"
    at: datetime
    summary: str
    ref: str
    data: dict[str, Any]


def attached_evidence(dispute: Dispute) -> list[AttachedEvidence]:
    """What the platform already knows about the order, attached to the case without anyone uploading
    it: tracking events (shipments), inspection reports (inspections), and the order's own history up
    to the dispute. (The order conversation is not on main yet.)"""
    items: list[AttachedEvidence] = []
    tracking = ShipmentEvent.objects.filter(shipment__order_id=dispute.order_id).select_related("shipment")
    for event in tracking.order_by("occurred_at", "id"):
        items.append(
            AttachedEvidence(
                kind="tracking",
                at=event.occurred_at,
                summary=f"{event.shipment.carrier} {event.shipment.tracking_number}: {event.kind}"
                + (f" at {event.location}" if event.location else "")
                + (f" — {event.description}" if event.description else ""),
                ref=event.id,
                data={"shipment_id": event.shipment_id, "kind": event.kind, "location": event.location},
            )
        )
    inspections = Inspection.objects.filter(order_id=dispute.order_id, report__isnull=False).select_related("report")
    for inspection in inspections.order_by("created_at"):
        report = inspection.report
        items.append(
            AttachedEvidence(
                kind="inspection",
                at=report.filed_at,
                summary=f"{'Passed' if report.passed else 'Failed'}: critical {report.critical_found}, "
                f"major {report.major_found}, minor {report.minor_found} in a sample of {report.sample_size}. "
                f"{report.summary}",
                ref=inspection.id,
                data={
                    "passed": report.passed,
                    "photos": list(report.photos.values_list("id", flat=True)),
                    "ordered_by_expert": inspection.purpose == "dispute",
                },
            )
        )
    history = OrderEvent.objects.filter(order_id=dispute.order_id, created_at__lte=dispute.created_at).exclude(
        kind__startswith="dispute."
    )
    for order_event in history.order_by("created_at", "id"):
        moved = f" ({order_event.from_status} → {order_event.to_status})" if order_event.to_status else ""
        items.append(
            AttachedEvidence(
                kind="order_event",
                at=order_event.created_at,
                summary=order_event.kind + moved,
                ref=str(order_event.pk),
                data={"actor": order_event.actor},
            )
        )
    items.sort(key=lambda item: (item.at, item.kind, item.ref))
    return items


def ops_open_by_stage() -> dict[str, dict[str, int]]:
    """Open disputes for the staff dashboard and /metrics: status → age since opened → count.

    The age buckets are ops.selectors.AGE_BUCKETS (named here, not imported: operations sits above
    disputes and reads this function by name)."""
    now = clock.now()
    rows = (
        Dispute.objects.filter(status__in=OPEN_STATUSES)
        .annotate(
            age=Case(
                When(created_at__gt=now - timedelta(days=3), then=Value("under_3_days")),
                When(created_at__gt=now - timedelta(days=7), then=Value("3_to_7_days")),
                default=Value("over_7_days"),
                output_field=CharField(),
            )
        )
        .values("status", "age")
        .annotate(n=Count("id"))
    )
    found: dict[str, dict[str, int]] = {}
    for row in rows:
        found.setdefault(row["status"], {})[row["age"]] = row["n"]
    return found
