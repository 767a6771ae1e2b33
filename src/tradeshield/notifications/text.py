"""What a notification says, per event kind and per side, in the active language.

Strings are marked for translation here (gettext); callers choose the language with
`django.utils.translation.override(user.preferred_language)` or the request's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tradeshield.kit.errors import DomainError
from tradeshield.kit.money import format_amount
from tradeshield.orders.models import Order, OrderEvent

Pair = tuple[Promise, Promise]  # (title, body)


@dataclass(frozen=True)
class Text:
    title: str
    body: str


SAME: dict[str, Pair] = {
    "order.terms_edited": (
        _("Order terms changed"),
        _("%(counterparty)s changed the terms of “%(title)s”. Review them and confirm again."),
    ),
    "order.confirmed": (
        _("Order confirmed"),
        _("Both sides confirmed “%(title)s” (%(total)s). It now waits for payment into escrow."),
    ),
    "payment.funds_received": (
        _("Bank transfer received"),
        _("%(amount)s arrived for “%(title)s”."),
    ),
    "order.delivered": (
        _("Order delivered"),
        _("“%(title)s” was delivered."),
    ),
    "order.completed": (
        _("Order completed"),
        _("The buyer confirmed receipt of “%(title)s”."),
    ),
    "order.cancelled": (
        _("Order cancelled"),
        _("“%(title)s” was cancelled. %(reason)s"),
    ),
    "order.refunded": (
        _("Order refunded"),
        _("“%(title)s” was cancelled and the buyer is refunded in full. %(reason)s"),
    ),
    "order.partially_refunded": (
        _("Partial refund"),
        _("%(amount)s of “%(title)s” is being refunded to the buyer. %(reason)s"),
    ),
    "amendment.accepted": (
        _("Amendment accepted"),
        _("%(counterparty)s accepted the proposed change to “%(title)s”."),
    ),
    "amendment.rejected": (
        _("Amendment rejected"),
        _("%(counterparty)s rejected the proposed change to “%(title)s”."),
    ),
    "amendment.withdrawn": (
        _("Amendment withdrawn"),
        _("%(counterparty)s withdrew its proposed change to “%(title)s”."),
    ),
    "amendment.proposed": (
        _("Amendment proposed"),
        _("%(counterparty)s proposes a change to “%(title)s”. Accept or reject it."),
    ),
    "protection.late_cancelled": (
        _("Order cancelled for late shipment"),
        _("“%(title)s” was not shipped in time and is cancelled; the buyer is refunded in full."),
    ),
    "protection.auto_confirmed": (
        _("Receipt confirmed automatically"),
        _("The confirmation window for “%(title)s” ended, so receipt was confirmed and escrow is released."),
    ),
    "protection.payment_expired": (
        _("Order expired unpaid"),
        _("“%(title)s” was not paid in time and is closed."),
    ),
    "shipment.delayed": (
        _("Shipment delayed"),
        _("The %(carrier)s shipment %(tracking)s of “%(title)s” is now expected on %(eta)s (was %(previous_eta)s)."),
    ),
    "shipment.exception": (
        _("Shipment exception"),
        _("%(carrier)s reports a problem with shipment %(tracking)s of “%(title)s”: %(description)s"),
    ),
    "shipment.delivered": (
        _("Shipment delivered"),
        _("The %(carrier)s shipment %(tracking)s of “%(title)s” was delivered."),
    ),
    "shipment.handover_blocked": (
        _("Goods moving before inspection"),
        _(
            "%(carrier)s reports shipment %(tracking)s of “%(title)s” as handed over, but the pre-shipment "
            "inspection has not cleared it. The order stays unshipped until it does."
        ),
    ),
    "inspection.plan_updated": (
        _("Inspection plan changed"),
        _("The inspection plan for “%(title)s” changed (level %(level)s)."),
    ),
    "inspection.cancelled": (
        _("Inspection visit withdrawn"),
        _("The inspection visit for “%(title)s” was withdrawn. %(reason)s"),
    ),
    "inspection.scheduled": (
        _("Inspection scheduled"),
        _("%(agency)s will inspect “%(title)s” on %(visit_date)s."),
    ),
    "inspection.passed": (
        _("Inspection passed"),
        _("The goods of “%(title)s” passed inspection by %(agency)s and may ship."),
    ),
    "inspection.failed": (
        _("Inspection failed"),
        _(
            "The goods of “%(title)s” failed inspection by %(agency)s. The buyer chooses: accept them anyway, "
            "ask for rework and a re-inspection, or cancel with a full refund."
        ),
    ),
    "inspection.fee_refunded": (
        _("Inspection fee refunded"),
        _("The inspection of “%(title)s” failed, so %(amount)s is refunded to the buyer at the supplier's cost."),
    ),
    "inspection.buyer_chose_accept": (
        _("Goods accepted despite inspection"),
        _("%(counterparty)s accepts the goods of “%(title)s” despite the failed inspection; they may ship."),
    ),
    "inspection.buyer_chose_rework": (
        _("Rework requested"),
        _("%(counterparty)s asks for rework on “%(title)s”. Request a re-inspection before the deadline."),
    ),
    "inspection.buyer_chose_cancel": (
        _("Order cancelled after inspection"),
        _("%(counterparty)s cancelled “%(title)s” after the failed inspection; the buyer is refunded in full."),
    ),
    "message.posted": (
        _("New message"),
        _("%(counterparty)s wrote in the conversation about “%(title)s”."),
    ),
    "review.replied": (
        _("Reply to your review"),
        _("%(counterparty)s replied to your review of “%(title)s”."),
    ),
    "inspection.report_overdue": (
        _("Inspection report overdue"),
        _("The report on the inspection of “%(title)s” was due on %(due)s and has not been filed."),
    ),
    "dispute.countered": (
        _("New offer in a dispute"),
        _("A counter-offer refunding %(amount)s was made in the dispute on “%(title)s”."),
    ),
    "dispute.rejected": (
        _("Dispute request rejected"),
        _("The supplier rejected the request on “%(title)s”. The buyer may escalate it to arbitration."),
    ),
    "dispute.accepted": (
        _("Dispute offer accepted"),
        _("An offer refunding %(amount)s in the dispute on “%(title)s” was accepted."),
    ),
    "dispute.edited": (
        _("Dispute request changed"),
        _("The buyer changed the request in the dispute on “%(title)s”: %(amount)s."),
    ),
    "dispute.escalated": (
        _("Dispute escalated to arbitration"),
        _("The dispute on “%(title)s” goes to a trade expert, who is assigned within 2 working days."),
    ),
    "dispute.assigned": (
        _("Trade expert assigned"),
        _("A trade expert now handles the dispute on “%(title)s”."),
    ),
    "dispute.evidence_added": (
        _("New evidence in a dispute"),
        _("New evidence was added to the dispute on “%(title)s”."),
    ),
    "dispute.evidence_requested": (
        _("Evidence requested"),
        _("The trade expert asks for evidence in the dispute on “%(title)s” by %(due)s."),
    ),
    "dispute.evidence_lapsed": (
        _("Evidence deadline missed"),
        _("Evidence requested in the dispute on “%(title)s” was not provided by the deadline."),
    ),
    "dispute.settlement_proposed": (
        _("Settlement proposed"),
        _("A settlement refunding %(amount)s in the dispute on “%(title)s” awaits your signature."),
    ),
    "dispute.decided": (
        _("Dispute decided"),
        _(
            "The trade expert decided the dispute on “%(title)s”: %(amount)s to the buyer. "
            "The reasons are on the dispute page."
        ),
    ),
    "dispute.appealed": (
        _("Dispute appealed"),
        _("The decision on “%(title)s” was appealed; a different trade expert will decide."),
    ),
    "dispute.resolved": (
        _("Dispute closed"),
        _("The dispute on “%(title)s” is closed; %(amount)s is refunded to the buyer."),
    ),
}

BY_SIDE: dict[str, dict[str, Pair]] = {
    "dispute.opened": {
        "buyer": (
            _("Dispute opened"),
            _("The dispute on “%(title)s” is open and its funds are frozen. The supplier must respond by %(due)s."),
        ),
        "supplier": (
            _("A buyer opened a dispute"),
            _(
                "%(counterparty)s disputes “%(title)s” and asks for %(amount)s back. Respond by %(due)s, "
                "or the request is granted automatically."
            ),
        ),
    },
    "inspection.requested": {
        "buyer": (
            _("Inspection visit requested: pay the fee"),
            _("%(counterparty)s asks %(agency)s to inspect “%(title)s”. Pay the inspection fee to book the visit."),
        ),
        "supplier": (_("Inspection visit requested"), _("The inspection of “%(title)s” was requested.")),
        "agency": (
            _("New inspection request"),
            _("“%(title)s” needs a pre-shipment inspection; it is booked once the fee is paid."),
        ),
    },
    "inspection.fee_paid": {
        "buyer": (_("Inspection booked"), _("The inspection fee for “%(title)s” is paid.")),
        "supplier": (
            _("Inspection booked"),
            _("The inspection fee for “%(title)s” is paid; the agency will set a date."),
        ),
        "agency": (
            _("Inspection booked: set a date"),
            _("The fee for inspecting “%(title)s” is paid. Schedule the visit."),
        ),
    },
    "review.posted": {
        "buyer": (_("Review published"), _("A colleague reviewed “%(title)s”.")),
        "supplier": (
            _("New review"),
            _("%(counterparty)s reviewed “%(title)s”. You can reply once, publicly."),
        ),
    },
    "order.created": {
        "buyer": (
            _("New order to confirm"),
            _("%(counterparty)s issued the order “%(title)s” (%(total)s). Review the terms and confirm them."),
        ),
        "supplier": (
            _("New order request"),
            _("%(counterparty)s requested the order “%(title)s” (%(total)s). Review the terms and confirm them."),
        ),
    },
    "order.confirmed_by_buyer": {
        "buyer": (_("Order terms confirmed"), _("A colleague confirmed the terms of “%(title)s”.")),
        "supplier": (_("Buyer confirmed the terms"), _("%(counterparty)s confirmed the terms of “%(title)s”.")),
    },
    "order.confirmed_by_supplier": {
        "buyer": (_("Supplier confirmed the terms"), _("%(counterparty)s confirmed the terms of “%(title)s”.")),
        "supplier": (_("Order terms confirmed"), _("A colleague confirmed the terms of “%(title)s”.")),
    },
    "order.deposit_paid": {
        "buyer": (_("Deposit paid"), _("Your deposit of %(amount)s for “%(title)s” is held in escrow.")),
        "supplier": (
            _("Deposit received in escrow"),
            _("%(counterparty)s paid a deposit of %(amount)s for “%(title)s”. It is held in escrow."),
        ),
    },
    "order.paid": {
        "buyer": (
            _("Payment held in escrow"),
            _("Your payment of %(amount)s for “%(title)s” is held in escrow until you confirm receipt."),
        ),
        "supplier": (
            _("Order paid: ready to ship"),
            _("%(counterparty)s paid “%(title)s” in full (%(amount)s, held in escrow). Ship by %(ship_by)s."),
        ),
    },
    "payment.abandoned": {
        "buyer": (_("Payment abandoned"), _("A waiting payment for “%(title)s” was abandoned.")),
        "supplier": (
            _("Payment abandoned"),
            _("%(counterparty)s abandoned a waiting payment for “%(title)s” and may pay another way."),
        ),
    },
    "payment.refunded_late_funds": {
        "buyer": (
            _("Late payment refunded"),
            _("Money for “%(title)s” arrived after the order could no longer be paid; it is refunded in full."),
        ),
        "supplier": (_("Late payment refunded"), _("A late payment for “%(title)s” was refunded to the buyer.")),
    },
    "order.shipped": {
        "buyer": (
            _("Your order has shipped"),
            _("%(counterparty)s shipped “%(title)s” with %(carrier)s, tracking number %(tracking)s."),
        ),
        "supplier": (_("Order shipped"), _("“%(title)s” is marked as shipped (%(carrier)s %(tracking)s).")),
    },
    "shipment.created": {
        "buyer": (
            _("Shipment booked"),
            _("%(counterparty)s created a %(carrier)s shipment %(tracking)s for “%(title)s”."),
        ),
        "supplier": (_("Shipment created"), _("A %(carrier)s shipment %(tracking)s was created for “%(title)s”.")),
    },
    "escrow.released": {
        "buyer": (_("Payment released"), _("%(amount)s for “%(title)s” was released to %(counterparty)s.")),
        "supplier": (
            _("Payment released to you"),
            _("%(counterparty)s confirmed receipt of “%(title)s”; %(amount)s was released to your balance."),
        ),
    },
    "protection.compensated": {
        "buyer": (
            _("You were compensated"),
            _("“%(title)s” was late, so you receive %(amount)s in compensation under trade assurance."),
        ),
        "supplier": (
            _("Late-delivery compensation paid"),
            _("“%(title)s” missed its deadline; %(counterparty)s was compensated %(amount)s."),
        ),
    },
    "protection.auto_confirm_reminder": {
        "buyer": (
            _("Confirm receipt or open a dispute"),
            _("Receipt of “%(title)s” will be confirmed automatically on %(due)s unless you act before then."),
        ),
        "supplier": (
            _("Automatic confirmation coming"),
            _("Receipt of “%(title)s” will be confirmed automatically on %(due)s."),
        ),
    },
}

FALLBACK: Pair = (_("Order updated"), _("“%(title)s”: %(kind)s."))


def _money(amount: Any, currency: str) -> str:
    try:
        return format_amount(int(amount), currency)
    except (DomainError, TypeError, ValueError):
        return ""


def params(event: OrderEvent, order: Order, side: str) -> dict[str, str]:
    data = event.data or {}
    other = order.supplier if side == "buyer" else order.buyer  # an agency hears about the buyer
    currency = str(data.get("currency") or order.currency)
    total = _money(order.total_amount, order.currency)
    due = data.get("confirm_at") or data.get("due_at") or ""
    return {
        "title": order.title,
        "order_id": order.id,
        "counterparty": other.name,
        "total": total,
        "amount": _money(data.get("amount"), currency) or total,
        "carrier": str(data.get("carrier", "")),
        "tracking": str(data.get("tracking_number", "")),
        "reason": str(data.get("reason", "")),
        "ship_by": str(getattr(order, "ship_deadline", None) or order.ship_by_date or "—"),
        "due": str(due)[:10] or "—",
        "kind": event.kind,
        "eta": str(data.get("eta") or "—")[:10],
        "previous_eta": str(data.get("previous_eta") or "—")[:10],
        "description": str(data.get("description") or data.get("location") or ""),
        "agency": str(data.get("agency") or _("the inspection agency")),
        "level": str(data.get("level", "")),
        "visit_date": str(data.get("visit_date", ""))[:10] or "—",
    }


def render_text(event: OrderEvent, side: str) -> Text:
    """Title and body for one side, in the active language."""
    order = event.order
    kind = (
        "protection.auto_confirmed"
        if event.kind == "order.completed" and (event.data or {}).get("automatic")
        else event.kind
    )
    pair = BY_SIDE.get(kind, {}).get(side) or SAME.get(kind) or FALLBACK
    values = params(event, order, side)
    return Text(title=str(pair[0]), body=(str(pair[1]) % values).strip())
