"""The time-based rules. Each is a query over indexed order columns ("what is due by `now`") and an
action. A rule never acts twice on the same order and period: see `ProtectionAction`.

Shipped on time depends on the Incoterm: E/F/C rules are met when the goods ship (hand-over or on
board at origin), D rules only when they are delivered at destination.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Value

from tradeshield.disputes.models import OPEN_STATUSES, Dispute
from tradeshield.escrow import services as escrow
from tradeshield.kit.fx import convert
from tradeshield.kit.money import apply_percent
from tradeshield.orders import paying
from tradeshield.orders.models import DELIVERY_INCOTERMS, Order
from tradeshield.orders.services import record_event
from tradeshield.orders.states import OrderStatus
from tradeshield.protections.models import ProtectionAction, ProtectionPolicy

S = OrderStatus


def _since(moment: datetime | None) -> datetime:
    assert moment is not None, "the rule's query only selects orders with this moment set"
    return moment


def _midnight(day: Any) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


@dataclass(frozen=True)
class Rule:
    name: str
    eligible: Callable[[ProtectionPolicy, datetime], Q]  # which orders are due by `now`
    due_at: Callable[[Order, ProtectionPolicy], datetime]
    order_by: str
    act: Callable[[Order, ProtectionPolicy], dict[str, Any]]
    period_by_status: bool = False  # auto-confirmation runs once per status (shipped, then delivered)

    def due(self, policy: ProtectionPolicy, now: datetime, clock_id: str | None) -> QuerySet[Order]:
        done = ProtectionAction.objects.filter(
            order=OuterRef("pk"), rule=self.name, period=OuterRef("status") if self.period_by_status else Value("1")
        )
        return (
            Order.objects.filter(self.eligible(policy, now), test_clock_id=clock_id)
            .exclude(Exists(done))
            .order_by(self.order_by, "pk")
        )

    def period(self, order: Order) -> str:
        return order.status if self.period_by_status else "1"


# -- late shipment -------------------------------------------------------------------------------


def _not_on_time(policy: ProtectionPolicy, now: datetime, days_late: int) -> Q:
    deadline_passed = Q(ship_deadline__lte=(now - timedelta(days=1 + days_late)).date())
    efc = Q(status=S.PAID) & ~Q(incoterm__in=DELIVERY_INCOTERMS)
    d_rules = Q(status__in=[S.PAID, S.SHIPPED], incoterm__in=DELIVERY_INCOTERMS)
    return deadline_passed & (efc | d_rules)


def _compensate(order: Order, policy: ProtectionPolicy) -> dict[str, Any]:
    cap = convert(policy.late_compensation_cap_usd, "USD", order.currency)
    amount = min(apply_percent(order.total_amount, policy.late_compensation_percent), cap)
    if amount > 0:
        escrow.compensation_pay(
            transfer_id=f"compensation:{order.id}:late",
            order_id=order.id,
            buyer_id=order.buyer_id,
            currency=order.currency,
            amount=amount,
        )
    record_event(
        order,
        "protection.compensated",
        None,
        rule="late_shipment",
        amount=amount,
        currency=order.currency,
        capped=amount == cap,
        ship_deadline=order.ship_deadline.isoformat() if order.ship_deadline else None,
        buyer_may_cancel=order.status == S.PAID,
    )
    return {"compensation": amount}


LATE_COMPENSATION = Rule(
    name="late_compensation",
    eligible=lambda p, now: _not_on_time(p, now, p.late_compensation_after_days),
    due_at=lambda o, p: _midnight(o.ship_deadline) + timedelta(days=1 + p.late_compensation_after_days),
    order_by="ship_deadline",
    act=_compensate,
)

LATE_CANCEL = Rule(
    name="late_cancel",
    eligible=lambda p, now: Q(
        status=S.PAID, ship_deadline__lte=(now - timedelta(days=1 + p.late_cancel_after_days)).date()
    ),
    due_at=lambda o, p: _midnight(o.ship_deadline) + timedelta(days=1 + p.late_cancel_after_days),
    order_by="ship_deadline",
    act=lambda o, p: _cancel(o, f"Not shipped {p.late_cancel_after_days} days after the ship-by date."),
)


# -- payment deadlines ---------------------------------------------------------------------------


def _cancel(order: Order, reason: str) -> dict[str, Any]:
    cancelled = paying.cancel_and_refund(order, None, reason, automatic=True)
    return {"status": cancelled.status}


UNPAID_EXPIRY = Rule(
    name="unpaid_expiry",
    eligible=lambda p, now: Q(status=S.AWAITING_PAYMENT, confirmed_at__lte=now - timedelta(days=p.unpaid_expiry_days)),
    due_at=lambda o, p: _since(o.confirmed_at) + timedelta(days=p.unpaid_expiry_days),
    order_by="confirmed_at",
    act=lambda o, p: _cancel(o, f"Not paid within {p.unpaid_expiry_days} days of confirmation."),
)

BALANCE_OVERDUE = Rule(
    name="balance_overdue",
    eligible=lambda p, now: Q(
        status=S.DEPOSIT_PAID, ship_deadline__lte=(now - timedelta(days=1 + p.balance_grace_days)).date()
    ),
    due_at=lambda o, p: _midnight(o.ship_deadline) + timedelta(days=1 + p.balance_grace_days),
    order_by="ship_deadline",
    act=lambda o, p: _cancel(o, "The balance was not paid by its due date; the deposit is refunded."),
)


# -- auto-confirmation of receipt ----------------------------------------------------------------


def _confirm_window(order: Order, policy: ProtectionPolicy) -> tuple[datetime, int]:
    if order.status == S.DELIVERED:
        return _since(order.delivered_at), policy.auto_confirm_after_delivery_days
    return _since(order.shipped_at), policy.auto_confirm_after_dispatch_days


def _awaiting_confirmation(policy: ProtectionPolicy, now: datetime, days_early: int) -> Q:
    shipped = Q(
        status=S.SHIPPED, shipped_at__lte=now - timedelta(days=policy.auto_confirm_after_dispatch_days - days_early)
    )
    delivered = Q(
        status=S.DELIVERED, delivered_at__lte=now - timedelta(days=policy.auto_confirm_after_delivery_days - days_early)
    )
    # An open dispute freezes the order's escrow: auto-confirmation waits until it is resolved (and
    # `complete_and_release` refuses anyway, see orders.freezes).
    in_dispute = Exists(Dispute.objects.filter(order=OuterRef("pk"), status__in=OPEN_STATUSES))
    return (shipped | delivered) & ~Q(in_dispute)


def _confirm_at(order: Order, policy: ProtectionPolicy) -> datetime:
    since, days = _confirm_window(order, policy)
    return since + timedelta(days=days)


def _remind(order: Order, policy: ProtectionPolicy) -> dict[str, Any]:
    confirm_at = _confirm_at(order, policy)
    record_event(order, "protection.auto_confirm_reminder", None, confirm_at=confirm_at.isoformat())
    return {"confirm_at": confirm_at.isoformat()}


def _auto_confirm(order: Order, policy: ProtectionPolicy) -> dict[str, Any]:
    paying.complete_and_release(order, None, automatic=True, reason="Receipt confirmed automatically.")
    return {"status": order.status}


AUTO_CONFIRM_REMINDER = Rule(
    name="auto_confirm_reminder",
    eligible=lambda p, now: _awaiting_confirmation(p, now, p.reminder_days_before),
    due_at=lambda o, p: _confirm_at(o, p) - timedelta(days=p.reminder_days_before),
    order_by="shipped_at",
    act=_remind,
    period_by_status=True,
)

AUTO_CONFIRM = Rule(
    name="auto_confirm",
    eligible=lambda p, now: _awaiting_confirmation(p, now, 0),
    due_at=_confirm_at,
    order_by="shipped_at",
    act=_auto_confirm,
    period_by_status=True,
)

# -- inspection rework -----------------------------------------------------------------------------


def _rework_due(order: Order, policy: ProtectionPolicy) -> datetime:
    return _since(order.inspection_plan.rework_due_at)


# The buyer chose rework after a failed inspection and the supplier did not ask for a re-inspection in
# time: the order is cancelled with a full refund. Asking for the re-inspection clears the deadline.
INSPECTION_REWORK_EXPIRED = Rule(
    name="inspection_rework_expired",
    eligible=lambda p, now: Q(status__in=[S.DEPOSIT_PAID, S.PAID], inspection_plan__rework_due_at__lte=now),
    due_at=_rework_due,
    order_by="inspection_plan__rework_due_at",
    act=lambda o, p: _cancel(o, "The goods failed inspection and were not reworked in time."),
)


def _report_due(order: Order, policy: ProtectionPolicy) -> datetime:
    due = order.inspections.filter(status="scheduled").values_list("report_due_at", flat=True).first()
    return _since(due)


def _report_overdue(order: Order, policy: ProtectionPolicy) -> dict[str, Any]:
    inspection = order.inspections.filter(status="scheduled").first()
    assert inspection is not None, "the rule's query only selects orders with a scheduled visit"
    record_event(
        order,
        "inspection.report_overdue",
        None,
        inspection_id=inspection.id,
        agency_id=inspection.agency_id,
        agency=inspection.agency.name,
        due_at=inspection.report_due_at.isoformat() if inspection.report_due_at else None,
    )
    return {"inspection_id": inspection.id}


# The agency has not filed its report in the agreed time: both sides (and the agency) hear about it.
INSPECTION_REPORT_OVERDUE = Rule(
    name="inspection_report_overdue",
    eligible=lambda p, now: Q(inspections__status="scheduled", inspections__report_due_at__lte=now),
    due_at=_report_due,
    order_by="inspections__report_due_at",
    act=_report_overdue,
)

RULES = [
    UNPAID_EXPIRY,
    BALANCE_OVERDUE,
    LATE_COMPENSATION,
    LATE_CANCEL,
    AUTO_CONFIRM_REMINDER,
    AUTO_CONFIRM,
    INSPECTION_REWORK_EXPIRED,
    INSPECTION_REPORT_OVERDUE,
]
RULES_BY_NAME = {rule.name: rule for rule in RULES}
