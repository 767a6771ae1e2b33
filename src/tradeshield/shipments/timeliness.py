"""On time or late: when the seller's obligation was met, measured against `Order.ship_deadline`.

Which moment counts follows the Incoterm (Incoterms® 2020):

* E, F and C rules (EXW, FCA, FAS, FOB, CPT, CIP, CFR, CIF): the seller delivers at origin, by handing
  the goods to the (first) carrier. The obligation is met when shipments carrying every ordered
  quantity have been handed over (`Shipment.handed_over_at`).
* D rules (DAP, DPU, DDP — `orders.models.DELIVERY_INCOTERMS`): the seller delivers at destination.
  The obligation is met when shipments carrying every ordered quantity are delivered.

A deadline is a date; anything on that day (UTC) is on time, and each day after it is a day late.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from tradeshield.kit import clock
from tradeshield.orders.models import DELIVERY_INCOTERMS, LineItem, Order
from tradeshield.shipments.models import Shipment, ShipmentStatus

HANDOVER = "handover"
DELIVERY = "delivery"


def measured_at(incoterm: str) -> str:
    return DELIVERY if incoterm in DELIVERY_INCOTERMS else HANDOVER


@dataclass(frozen=True)
class Judgement:
    measured_at: str  # "handover" or "delivery"
    deadline: date | None
    # on_time / late: the obligation was met (by or after the deadline). Not met yet: pending, at_risk
    # (D rules: the ETA is after the deadline), overdue (the deadline has passed), no_deadline.
    status: str
    days_late: int  # late, overdue: days past the deadline; at_risk: days the ETA is past it
    met_at: datetime | None
    expected_at: datetime | None  # D rules: the latest ETA of what is not delivered yet

    @property
    def running_late(self) -> bool:
        return self.status in ("at_risk", "overdue")


def complete_at(
    lines: Sequence[LineItem], shipments: Sequence[Shipment], moment: Callable[[Shipment], datetime | None]
) -> datetime | None:
    """The moment shipments that reached `moment` first carried every ordered quantity, or None."""
    needed = {line.id: line.quantity for line in lines}
    carried: dict[int, Decimal] = defaultdict(Decimal)
    for shipment in sorted((s for s in shipments if moment(s) is not None), key=lambda s: moment(s)):  # type: ignore[arg-type, return-value]
        for part in shipment.lines.all():
            carried[part.line_id] += part.quantity
        if all(carried[line_id] >= quantity for line_id, quantity in needed.items()):
            return moment(shipment)
    return None


def _days(later: date, deadline: date) -> int:
    return max(0, (later - deadline).days)


def judge(order: Order, lines: Sequence[LineItem], shipments: Sequence[Shipment]) -> Judgement:
    rule = measured_at(order.incoterm)
    deadline = order.ship_deadline
    if rule == DELIVERY:
        met = complete_at(lines, shipments, lambda s: s.delivered_at if s.status == ShipmentStatus.DELIVERED else None)
        legacy = order.delivered_at
    else:
        met = complete_at(lines, shipments, lambda s: s.handed_over_at)
        legacy = order.shipped_at
    if met is None and not shipments and legacy is not None:
        met = legacy  # shipped or delivered before shipments were recorded: the order's own timestamp
    pending_etas = [s.eta for s in shipments if s.eta is not None and s.status != ShipmentStatus.DELIVERED]
    expected = max(pending_etas) if rule == DELIVERY and pending_etas and met is None else None
    if deadline is None:
        return Judgement(rule, None, "no_deadline" if met is None else "on_time", 0, met, expected)
    if met is not None:
        late = _days(met.date(), deadline)
        return Judgement(rule, deadline, "late" if late else "on_time", late, met, None)
    today = clock.today()
    if today > deadline:
        return Judgement(rule, deadline, "overdue", _days(today, deadline), None, expected)
    if expected is not None and expected.date() > deadline:
        return Judgement(rule, deadline, "at_risk", _days(expected.date(), deadline), None, expected)
    return Judgement(rule, deadline, "pending", 0, None, expected)
