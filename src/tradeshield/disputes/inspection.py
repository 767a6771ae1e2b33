"""A third-party inspection ordered by the trade expert in arbitration.

The expert assigned to an escalated (or appealed) case orders a visit from an accredited agency; the
buyer prepays the fee through the ordinary inspection fee payment (`inspections.booking.fee_pay`) by a
deadline, or the order lapses and the case goes on without it. The fee is held on the inspection's fee
account until the case closes, then settled exactly once in `settle` (called from `_resolve`, which runs
once per dispute by compare-and-set; the ledger transfer ids derive from the inspection):
  - unpaid: the visit is cancelled, nothing moves;
  - paid, no report yet: the visit is cancelled and the fee goes back (`inspback:I`);
  - report filed: the agency earns the fee (`inspearn:I`); if the supplier is at fault (the report
    failed, or the buyer gets more than half of the disputed amount) the buyer gets the fee back as
    buyer credit (`inspfee:I:dispute`).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

from tradeshield.accounts.models import User
from tradeshield.disputes.errors import DisputeStateError
from tradeshield.disputes.models import Dispute, DisputeStatus
from tradeshield.escrow import services as escrow
from tradeshield.inspections import fees
from tradeshield.inspections.booking import accredited_agency, plan_for
from tradeshield.inspections.models import OPEN_STATUSES, Inspection, InspectionStatus
from tradeshield.kit import clock
from tradeshield.kit.fx import convert
from tradeshield.orders.models import Order

PAY_DAYS = 5


def create(
    dispute: Dispute, order: Order, *, agency_id: str, scope: str, site_address: str, user: User | None
) -> Inspection:
    if order.inspections.filter(status__in=OPEN_STATUSES).exists():
        raise DisputeStateError(_("A visit is already in progress for this order."), code="inspection_in_progress")
    agency = accredited_agency(agency_id)
    plan = plan_for(order)
    now = clock.now()
    lot = max(1, int(sum(line.quantity for line in order.lines.all())))
    return Inspection.objects.create(
        order=order,
        agency=agency.organization,
        purpose="dispute",
        dispute_ref=dispute.id,
        level=plan.level,
        aql_critical=plan.aql_critical,
        aql_major=plan.aql_major,
        aql_minor=plan.aql_minor,
        lot_size=lot,
        packed_percent=100,
        ready_date=date.today(),
        site_address=site_address or scope[:300],
        requested_by=user,
        fee_payer="buyer",
        fee_amount=convert(agency.fee_usd, "USD", order.currency),
        currency=order.currency,
        created_at=now,
        updated_at=now,
    )


def pay_by() -> timedelta:
    return timedelta(days=PAY_DAYS)


def supplier_at_fault(dispute: Dispute, inspection: Inspection, buyer_amount: int) -> bool:
    return inspection.status == InspectionStatus.FAILED or buyer_amount * 2 > dispute.disputed_amount


def lapse(inspection: Inspection) -> bool:
    """The buyer did not prepay in time: the order lapses. True if it did."""
    if inspection.status != InspectionStatus.REQUESTED:
        return False
    inspection.status, inspection.updated_at = InspectionStatus.CANCELLED, clock.now()
    inspection.save(update_fields=["status", "updated_at"])
    return True


def settle(dispute: Dispute, order: Order, buyer_amount: int) -> list[dict[str, object]]:
    """Settle every inspection the case ordered; see the module docstring. Runs inside `_resolve`."""
    done: list[dict[str, object]] = []
    rows = Inspection.objects.select_for_update().filter(purpose="dispute", dispute_ref=dispute.id)
    for inspection in rows.order_by("created_at"):
        status = inspection.status
        if status == InspectionStatus.REQUESTED:
            lapse(inspection)
            result = "cancelled"
        elif status in (InspectionStatus.BOOKED, InspectionStatus.SCHEDULED):
            fees.fee_return(inspection)
            inspection.status, inspection.fee_refunded = InspectionStatus.CANCELLED, inspection.fee_amount
            result = "returned"
        elif status in (InspectionStatus.PASSED, InspectionStatus.FAILED):
            fees.fee_earn(inspection)
            result = "earned"
            if dispute.status != DisputeStatus.WITHDRAWN and supplier_at_fault(dispute, inspection, buyer_amount):
                escrow.compensation_pay(
                    transfer_id=f"inspfee:{inspection.id}:dispute",
                    order_id=order.id,
                    buyer_id=order.buyer_id,
                    currency=inspection.currency,
                    amount=inspection.fee_amount,
                )
                inspection.fee_refunded = inspection.fee_amount
                result = "earned_refunded"
        else:
            continue
        inspection.updated_at = clock.now()
        inspection.save(update_fields=["status", "fee_refunded", "updated_at"])
        done.append({"inspection_id": inspection.id, "fee": result})
    return done
