"""Booking a visit: the buyer's plan, the supplier's request, the fee, the agency's schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tradeshield.inspections import fees, sampling
from tradeshield.inspections.errors import AgencyNotFound, InspectionInvalid, InspectionNotFound, InspectionStateError
from tradeshield.inspections.models import (
    OPEN_STATUSES,
    AgencyProfile,
    BuyerDecision,
    Inspection,
    InspectionPolicy,
    InspectionStatus,
    OrderInspectionPlan,
)
from tradeshield.kit import clock
from tradeshield.kit.errors import DomainError, Forbidden
from tradeshield.kit.fx import convert
from tradeshield.orders.models import Order
from tradeshield.orders.services import lock_order, record_event, require_party
from tradeshield.orders.states import OrderStatus
from tradeshield.organizations.actors import Actor
from tradeshield.organizations.models import MemberRole, Membership, OrgKind
from tradeshield.payments import providers
from tradeshield.payments.cards import card_check_input

# Goods are inspected once produced and (mostly) packed, before the balance ships them.
INSPECTABLE = {OrderStatus.DEPOSIT_PAID, OrderStatus.PAID}
MAX_LOT = 10**9


def policy() -> InspectionPolicy:
    return InspectionPolicy.objects.order_by("pk").first() or InspectionPolicy.objects.create()


def plan_for(order: Order) -> OrderInspectionPlan:
    plan, _ = OrderInspectionPlan.objects.get_or_create(order=order)
    return plan


def accredited_agency(agency_id: str, *, field: str = "agency_id") -> AgencyProfile:
    profile = AgencyProfile.objects.select_related("organization").filter(organization_id=agency_id).first()
    if profile is None or profile.organization.kind != OrgKind.INSPECTION_AGENCY:
        raise AgencyNotFound(_("No inspection agency with this id."), field=field)
    if profile.accredited_until < clock.today():
        raise InspectionInvalid(
            _("This agency's accreditation lapsed on %(date)s.") % {"date": profile.accredited_until.isoformat()},
            field=field,
            code="agency_not_accredited",
        )
    return profile


def _require_inspection(order: Order) -> None:
    if not order.inspection_required:
        raise InspectionStateError(_("This order does not require an inspection."), code="inspection_not_required")


@transaction.atomic
def plan_update(
    *, actor: Actor, order_id: str, level: str, aqls: dict[str, Decimal], agency_id: str | None
) -> OrderInspectionPlan:
    """The buyer sets the inspection level, AQLs and agency; frozen once a visit is requested."""
    order = lock_order(actor, order_id)
    require_party(actor, order, "buyer", "order.write")
    _require_inspection(order)
    if order.inspections.exists():
        raise InspectionStateError(
            _("A visit was already requested; the plan is frozen."), code="inspection_plan_frozen"
        )
    for defect_class, aql in aqls.items():
        sampling.sampling_plan(2, level, aql)  # validates level and AQL with the standard's own errors
        if defect_class not in sampling.DEFAULT_AQLS:
            raise InspectionInvalid(_("Defect classes are critical, major and minor."), field="aqls")
    plan = plan_for(order)
    plan.level = level
    plan.aql_critical = aqls.get("critical", plan.aql_critical)
    plan.aql_major = aqls.get("major", plan.aql_major)
    plan.aql_minor = aqls.get("minor", plan.aql_minor)
    plan.agency = accredited_agency(agency_id).organization if agency_id else None
    plan.updated_at = clock.now()
    plan.save()
    record_event(order, "inspection.plan_updated", actor, level=level, agency_id=agency_id or "")
    return plan


@dataclass(frozen=True)
class VisitRequest:
    lot_size: int
    packed_percent: int
    ready_date: date
    site_address: str
    agency_id: str | None = None


def _check_request(order: Order, request: VisitRequest, rules: InspectionPolicy) -> None:
    if not 1 <= request.lot_size <= MAX_LOT:
        raise InspectionInvalid(
            _("The lot size is a whole number of units from 1."), field="lot_size", code="lot_size_invalid"
        )
    if not 0 <= request.packed_percent <= 100:
        raise InspectionInvalid(_("Packed is a percentage from 0 to 100."), field="packed_percent")
    if request.packed_percent < rules.min_packed_percent:
        raise InspectionInvalid(
            _("Request the visit once at least %(percent)s %% of the goods are packed.")
            % {"percent": rules.min_packed_percent},
            field="packed_percent",
            code="not_enough_packed",
        )
    if request.ready_date < clock.today():
        raise InspectionInvalid(_("The ready date is in the past."), field="ready_date")
    if not request.site_address.strip():
        raise InspectionInvalid(_("Give the address where the goods can be inspected."), field="site_address")


@transaction.atomic
def visit_request(*, actor: Actor, order_id: str, request: VisitRequest) -> Inspection:
    """The supplier asks for the (re-)inspection once the goods are packed."""
    order = lock_order(actor, order_id)
    require_party(actor, order, "supplier", "order.ship")
    _require_inspection(order)
    if order.status not in INSPECTABLE:
        raise InspectionStateError(
            _("An order that is %(status)s cannot be inspected before shipment.") % {"status": order.status},
            code="order_not_inspectable",
        )
    if order.inspection_cleared_at is not None:
        raise InspectionStateError(_("The inspection already cleared this order."), code="inspection_already_cleared")
    if order.inspections.filter(status__in=OPEN_STATUSES).exists():
        raise InspectionStateError(_("A visit is already in progress for this order."), code="inspection_in_progress")
    rules = policy()
    _check_request(order, request, rules)
    plan = plan_for(order)
    last = order.inspections.order_by("-created_at").first()
    reinspection = last is not None and last.status == InspectionStatus.FAILED
    if last is not None and reinspection:
        if last.decision != BuyerDecision.REWORK:
            raise InspectionStateError(
                _("The buyer has not asked for rework after the failed inspection."), code="rework_not_requested"
            )
        if plan.rework_due_at and clock.now() > plan.rework_due_at:
            raise InspectionStateError(_("The time to rework has run out."), code="rework_deadline_passed")
    agency_id = plan.agency_id or request.agency_id
    if not agency_id:
        raise InspectionInvalid(_("Choose an accredited inspection agency."), field="agency_id", code="agency_required")
    if plan.agency_id and request.agency_id and request.agency_id != plan.agency_id:
        raise InspectionInvalid(_("The buyer chose another agency for this order."), field="agency_id")
    agency = accredited_agency(agency_id)
    now = clock.now()
    inspection = Inspection.objects.create(
        order=order,
        agency=agency.organization,
        is_reinspection=reinspection,
        level=plan.level,
        aql_critical=plan.aql_critical,
        aql_major=plan.aql_major,
        aql_minor=plan.aql_minor,
        lot_size=request.lot_size,
        packed_percent=request.packed_percent,
        ready_date=request.ready_date,
        site_address=request.site_address.strip(),
        requested_by=actor.user,
        # A re-inspection after rework is always on the supplier.
        fee_payer="supplier" if reinspection else rules.fee_payer,
        fee_amount=convert(agency.fee_usd, "USD", order.currency),
        currency=order.currency,
        created_at=now,
        updated_at=now,
    )
    if reinspection:
        plan.rework_due_at = None
        plan.save(update_fields=["rework_due_at"])
    inspection_event(
        order,
        "inspection.requested",
        actor,
        inspection,
        reinspection=reinspection,
        fee={"amount": inspection.fee_amount, "currency": inspection.currency},
        fee_payer=inspection.fee_payer,
    )
    return inspection


def inspection_event(order: Order, kind: str, actor: Actor | None, inspection: Inspection, **data: Any) -> None:
    """An order event about a visit; it names the agency, so the agency is notified too."""
    record_event(
        order,
        kind,
        actor,
        inspection_id=inspection.id,
        agency_id=inspection.agency_id,
        agency=inspection.agency.name,
        **data,
    )


def lock_inspection(inspection_id: str) -> Inspection:
    inspection = Inspection.objects.select_for_update().filter(pk=inspection_id).first()
    if inspection is None:
        raise InspectionNotFound(_("No such inspection."))
    return inspection


def lock_as_party(actor: Actor, inspection_id: str) -> tuple[Order, Inspection]:
    """Lock order then inspection (always in that order); 404 unless the actor is a party."""
    found = Inspection.objects.filter(pk=inspection_id).values_list("order_id", flat=True).first()
    if found is None:
        raise InspectionNotFound(_("No such inspection."))
    try:
        order = lock_order(actor, found)
    except DomainError as exc:
        if exc.status == 404:
            raise InspectionNotFound(_("No such inspection.")) from None
        raise
    return order, lock_inspection(inspection_id)


class FeeDeclined(DomainError):
    status = 402
    code = "card_declined"


@transaction.atomic
def fee_pay(*, actor: Actor, inspection_id: str, card: dict[str, Any]) -> Inspection:
    order, inspection = lock_as_party(actor, inspection_id)
    require_party(actor, order, inspection.fee_payer, "order.pay")
    if inspection.status != InspectionStatus.REQUESTED:
        raise InspectionStateError(_("The fee for this visit is already settled."), code="inspection_fee_settled")
    checked = card_check_input(card)
    result = providers.CARD_PROVIDER.charge(
        card=checked,
        amount=inspection.fee_amount,
        currency=inspection.currency,
        idempotency_key=f"inspfee:{inspection.id}",
    )
    if not result.approved:
        raise FeeDeclined(result.decline_message or _("The card was declined."), code=result.decline_code or None)
    fees.fee_collect(inspection)
    now = clock.now()
    inspection.status = InspectionStatus.BOOKED
    inspection.fee_paid_at = inspection.updated_at = now
    inspection.fee_reference, inspection.fee_card = result.reference, f"{checked.brand} •••• {checked.last4}"
    inspection.save()
    inspection_event(order, "inspection.fee_paid", actor, inspection, amount=inspection.fee_amount)
    return inspection


@transaction.atomic
def visit_cancel(*, actor: Actor, inspection_id: str, reason: str = "") -> Inspection:
    """The supplier withdraws a request before the visit is scheduled; a paid fee goes back."""
    order, inspection = lock_as_party(actor, inspection_id)
    require_party(actor, order, "supplier", "order.ship")
    if inspection.status not in (InspectionStatus.REQUESTED, InspectionStatus.BOOKED):
        raise InspectionStateError(
            _("Only a visit not yet scheduled can be withdrawn."), code="inspection_not_cancellable"
        )
    if inspection.status == InspectionStatus.BOOKED:
        providers.CARD_PROVIDER.refund(
            reference=inspection.fee_reference,
            amount=inspection.fee_amount,
            currency=inspection.currency,
            idempotency_key=f"inspback:{inspection.id}",
        )
        fees.fee_return(inspection)
        inspection.fee_refunded = inspection.fee_amount
    inspection.status, inspection.updated_at = InspectionStatus.CANCELLED, clock.now()
    inspection.save()
    inspection_event(order, "inspection.cancelled", actor, inspection, reason=reason)
    return inspection


def lock_as_agency(actor: Actor, inspection_id: str, permission: str) -> tuple[Order, Inspection]:
    """Another agency's booking is a 404, like a missing one."""
    agency_of = Inspection.objects.filter(pk=inspection_id).values_list("agency_id", "order_id").first()
    if agency_of is None or actor.org_id != agency_of[0]:
        raise InspectionNotFound(_("No such inspection."))
    actor.require(permission)
    order = Order.objects.select_for_update().get(pk=agency_of[1])
    return order, lock_inspection(inspection_id)


@transaction.atomic
def visit_schedule(*, actor: Actor, inspection_id: str, visit_date: date, inspector_id: str) -> Inspection:
    order, inspection = lock_as_agency(actor, inspection_id, "inspection.schedule")
    if inspection.status == InspectionStatus.REQUESTED:
        raise InspectionStateError(_("The fee has not been paid yet."), code="inspection_fee_unpaid")
    if inspection.status not in (InspectionStatus.BOOKED, InspectionStatus.SCHEDULED):
        raise InspectionStateError(
            _("A visit that is %(status)s cannot be scheduled.") % {"status": inspection.status},
            code="inspection_closed",
        )
    if visit_date < max(clock.today(), inspection.ready_date):
        raise InspectionInvalid(
            _("The visit can be on %(date)s or later.")
            % {"date": max(clock.today(), inspection.ready_date).isoformat()},
            field="visit_date",
        )
    inspector = Membership.objects.filter(
        user_id=inspector_id, organization_id=inspection.agency_id, role__in=[MemberRole.INSPECTOR, MemberRole.OWNER]
    ).first()
    if inspector is None:
        raise InspectionInvalid(
            _("Choose one of your agency's inspectors."), field="inspector_id", code="inspector_invalid"
        )
    profile = AgencyProfile.objects.get(organization_id=inspection.agency_id)
    end_of_visit = datetime.combine(visit_date + timedelta(days=1), time.min, tzinfo=UTC)
    inspection.status = InspectionStatus.SCHEDULED
    inspection.scheduled_for, inspection.inspector_id = visit_date, inspector_id
    inspection.report_due_at = end_of_visit + timedelta(hours=profile.report_due_hours)
    inspection.updated_at = clock.now()
    inspection.save()
    inspection_event(
        order,
        "inspection.scheduled",
        actor,
        inspection,
        visit_date=visit_date.isoformat(),
        report_due_at=inspection.report_due_at.isoformat(),
    )
    return inspection


def require_assigned(actor: Actor, inspection: Inspection) -> None:
    if actor.role == MemberRole.INSPECTOR and actor.user is not None and inspection.inspector_id != actor.user.id:
        raise Forbidden(_("This visit is assigned to another inspector."), code="not_assigned_inspector")
