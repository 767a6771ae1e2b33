"""How domain facts look on screen: status tones, readable event lines, payment steps, chart data.

Pure functions over models and selector results; no writes and no request handling.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from tradeshield.kit.fx import convert
from tradeshield.kit.money import format_amount, to_major
from tradeshield.orders.models import Amendment, MilestoneStatus, OrderEvent
from tradeshield.orders.states import OrderStatus
from tradeshield.payments.models import Method, Payment, PaymentEvent, PaymentStatus
from tradeshield.payments.timeline import payout_steps
from tradeshield.shipments.models import Mode

# One tone per status; app.css defines the colours of each tone (badges and charts share them).
STATUS_TONES: dict[str, dict[str, str]] = {
    "order": {
        OrderStatus.DRAFT: "neutral",
        OrderStatus.AWAITING_PAYMENT: "warning",
        OrderStatus.DEPOSIT_PAID: "info",
        OrderStatus.PAID: "primary",
        OrderStatus.SHIPPED: "violet",
        OrderStatus.DELIVERED: "indigo",
        OrderStatus.COMPLETED: "success",
        OrderStatus.CANCELLED: "muted",
        OrderStatus.REFUNDED: "danger",
    },
    "payment": {
        PaymentStatus.REQUIRES_ACTION: "warning",
        PaymentStatus.AWAITING_FUNDS: "warning",
        PaymentStatus.PARTIALLY_FUNDED: "info",
        PaymentStatus.HELD: "primary",
        PaymentStatus.RELEASED: "success",
        PaymentStatus.PARTIALLY_REFUNDED: "danger",
        PaymentStatus.REFUNDED: "danger",
        PaymentStatus.FAILED: "danger",
        PaymentStatus.CANCELLED: "muted",
    },
    "milestone": {
        MilestoneStatus.UNPAID: "neutral",
        MilestoneStatus.PAYING: "warning",
        MilestoneStatus.HELD: "primary",
        MilestoneStatus.RELEASED: "success",
        MilestoneStatus.REFUNDED: "danger",
    },
    "amendment": {
        Amendment.Status.PROPOSED: "warning",
        Amendment.Status.ACCEPTED: "success",
        Amendment.Status.REJECTED: "danger",
        Amendment.Status.WITHDRAWN: "muted",
    },
}
STATUS_LABELS: dict[str, dict[str, Any]] = {
    "order": dict(OrderStatus.choices),
    "payment": dict(PaymentStatus.choices),
    "milestone": dict(MilestoneStatus.choices),
    "amendment": dict(Amendment.Status.choices),
}


NETWORK_NAMES = {
    "visa": "Visa",
    "mastercard": "Mastercard",
    "amex": "American Express",
    "jcb": "JCB",
    "unionpay": "UnionPay",
    "discover": "Discover",
    "diners": "Diners Club",
    "paypal": "PayPal",
    "alipay": "Alipay",
    "apple_pay": "Apple Pay",
    "google_pay": "Google Pay",
    "sepa": "SEPA",
    "boleto": "Boleto",
}


def status_tone(kind: str, status: str) -> str:
    return STATUS_TONES.get(kind, {}).get(status, "neutral")


def status_label(kind: str, status: str) -> str:
    return str(STATUS_LABELS.get(kind, {}).get(status, status.replace("_", " ")))


def money_text(amount: int | None, currency: str) -> str:
    return "" if amount is None else format_amount(amount, currency)


# --- Order events -----------------------------------------------------------------------------------

EVENT_TITLES: dict[str, Any] = {
    "order.created": _("Order created"),
    "order.terms_edited": _("Draft terms edited"),
    "order.confirmed_by_buyer": _("Buyer confirmed the terms"),
    "order.confirmed_by_supplier": _("Supplier confirmed the terms"),
    "order.confirmed": _("Terms agreed by both sides"),
    "payment.initiated": _("Payment started"),
    "payment.funds_received": _("Bank transfer received"),
    "payment.refunded_late_funds": _("Late funds refunded"),
    "order.deposit_paid": _("Deposit held in escrow"),
    "order.paid": _("Paid in full into escrow"),
    "order.shipped": _("Shipped"),
    "order.delivered": _("Marked as delivered"),
    "order.completed": _("Buyer confirmed receipt"),
    "escrow.released": _("Escrow released to the supplier"),
    "order.cancelled": _("Order cancelled"),
    "order.refunded": _("Order refunded"),
    "order.partially_refunded": _("Partial refund"),
    "amendment.proposed": _("Amendment proposed"),
    "amendment.accepted": _("Amendment accepted"),
    "amendment.rejected": _("Amendment rejected"),
    "amendment.withdrawn": _("Amendment withdrawn"),
    "payment.abandoned": _("Payment abandoned"),
    "protection.compensated": _("Late shipment: buyer compensated automatically"),
    "protection.auto_confirm_reminder": _("Reminder: receipt will be confirmed automatically"),
    "shipment.created": _("Shipment created"),
    "shipment.delayed": _("Shipment delayed"),
    "shipment.exception": _("Shipment exception"),
    "shipment.delivered": _("Shipment delivered"),
    "shipment.handover_blocked": _("Carrier has the goods, but the inspection has not cleared them"),
    "dispute.opened": _("Dispute opened: funds frozen"),
    "dispute.countered": _("Counter-offer"),
    "dispute.rejected": _("Supplier rejected the request"),
    "dispute.accepted": _("Offer accepted"),
    "dispute.edited": _("Buyer changed the request"),
    "dispute.escalated": _("Escalated to arbitration"),
    "dispute.assigned": _("Trade expert assigned"),
    "dispute.evidence_added": _("Evidence added"),
    "dispute.evidence_requested": _("Expert requested evidence"),
    "dispute.evidence_lapsed": _("Evidence deadline missed"),
    "dispute.settlement_proposed": _("Settlement proposed"),
    "dispute.decided": _("Expert decided"),
    "dispute.appealed": _("Decision appealed"),
    "dispute.resolved": _("Dispute closed"),
}
EVENT_ICONS = {
    "order.created": "file-earmark-plus",
    "order.confirmed": "patch-check",
    "payment.initiated": "credit-card",
    "order.paid": "safe",
    "order.deposit_paid": "safe",
    "order.shipped": "truck",
    "order.delivered": "box-seam",
    "order.completed": "check2-circle",
    "escrow.released": "cash-coin",
    "order.cancelled": "x-circle",
    "order.refunded": "arrow-counterclockwise",
    "order.partially_refunded": "arrow-counterclockwise",
    "protection.compensated": "shield-check",
    "protection.auto_confirm_reminder": "alarm",
    "shipment.created": "box-seam",
    "shipment.delayed": "hourglass-split",
    "shipment.exception": "exclamation-triangle",
    "shipment.delivered": "box-seam",
    "shipment.handover_blocked": "shield-exclamation",
    "dispute.opened": "exclamation-octagon",
    "dispute.escalated": "bank",
    "dispute.decided": "hammer",
    "dispute.resolved": "check2-square",
}


@dataclass(frozen=True)
class EventLine:
    title: str
    detail: str
    actor: str
    at: datetime
    icon: str


def mode_label(value: str) -> str:
    """ "sea" -> "Sea freight" in the reader's language; a value the list does not know is shown as recorded."""
    return str(Mode(value).label) if value in Mode.values else value


def _event_detail(event: OrderEvent, currency: str) -> str:
    data = event.data or {}
    parts: list[str] = []
    if event.kind == "order.shipped" or event.kind.startswith("shipment."):
        parts = [
            str(data.get("carrier", "")),
            str(data.get("tracking_number", "")),
            mode_label(str(data.get("mode", ""))),
        ]
        parts += [str(data.get("description", "")), str(data.get("eta") or "")[:10]]
    elif event.kind == "payment.initiated":
        parts = [str(dict(Method.choices).get(data.get("method", ""), data.get("method", "")))]
    elif event.kind.startswith("amendment.") and isinstance(data.get("changes"), dict):
        parts = [", ".join(f"{k}: {v}" for k, v in data["changes"].items())]
    for key in ("amount", "refunded"):
        if isinstance(data.get(key), int) and data[key]:
            parts.append(format_amount(data[key], currency))
    if event.kind == "protection.compensated":
        parts.append(str(_("credit for later orders")))
        if data.get("buyer_may_cancel"):
            parts.append(str(_("the buyer may now cancel for a full refund")))
    elif event.kind == "protection.auto_confirm_reminder" and data.get("confirm_at"):
        parts.append(str(_("confirmed on %(when)s unless the buyer acts") % {"when": str(data["confirm_at"])[:10]}))
    elif data.get("automatic"):
        parts.append(str(_("by the platform, automatically")))
    if data.get("reason"):
        parts.append(f"“{data['reason']}”")
    return " · ".join(p for p in parts if p)


def event_lines(events: Iterable[OrderEvent], currency: str) -> list[EventLine]:
    return [
        EventLine(
            title=str(EVENT_TITLES.get(e.kind, e.kind)),
            detail=_event_detail(e, currency),
            actor=e.actor,
            at=e.created_at,
            icon=EVENT_ICONS.get(e.kind, "dot"),
        )
        for e in events
    ]


CHANGE_LABELS: dict[str, Any] = {
    "ship_by_date": _("Ship-by date"),
    "lead_time_days": _("Lead time (days)"),
    "incoterm": _("Incoterm"),
    "named_place": _("Named place"),
    "inspection_required": _("Inspection required"),
    "notes": _("Notes"),
    "line_specifications": _("Line specifications"),
}


def change_rows(changes: dict[str, Any]) -> list[tuple[str, str]]:
    """An amendment's changes as (label, new value) rows, skipping the implied lead-time reset."""
    rows = []
    for key, value in changes.items():
        if key == "lead_time_days" and value is None:
            continue
        if key == "line_specifications" and isinstance(value, dict):
            value = "; ".join(f"#{k}: {v}" for k, v in value.items())
        rows.append((str(CHANGE_LABELS.get(key, key)), str(value)))
    return rows


# --- Payment steps -----------------------------------------------------------------------------------

STEP_TITLES: dict[str, Any] = {
    "initiated": _("Initiated"),
    "awaiting_funds": _("Waiting for the bank transfer"),
    "funds_received": _("Funds received"),
    "authorized": _("Authorized"),
    "captured": _("Captured"),
    "held_in_escrow": _("Held in escrow"),
    "released": _("Released to the supplier"),
    "refunded": _("Refunded"),
    "partially_refunded": _("Partly refunded"),
    "overpayment_refunded": _("Overpayment refunded"),
    "failed": _("Failed"),
    "cancelled": _("Cancelled"),
    "reserve_held": _("Part kept in the supplier's reserve"),
    "reserve_released": _("Reserve released to the supplier"),
    "payout_expected": _("Payout to the supplier (next settlement)"),
    "payout_in_transit": _("Payout to the supplier in transit"),
    "paid_out": _("Paid out to the supplier"),
}
STEP_ORDER = ["initiated", "authorized", "captured", "held_in_escrow", "released"]
TERMINAL_PAYMENT = {PaymentStatus.RELEASED, PaymentStatus.REFUNDED, PaymentStatus.FAILED, PaymentStatus.CANCELLED}


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    state: str  # "done", "failed", "upcoming"
    amount: str = ""
    at: datetime | None = None
    expected_by: date | None = None
    note: str = ""


def payment_steps(payment: Payment, events: list[PaymentEvent]) -> list[Step]:
    """What happened to a payment, then the steps still to come (greyed out on the page)."""
    steps = []
    for event in events:
        failed = event.kind in ("failed", "cancelled")
        note = str(event.detail.get("message") or event.detail.get("reason") or "") if event.detail else ""
        steps.append(
            Step(
                key=event.kind,
                title=str(STEP_TITLES.get(event.kind, event.kind)),
                state="failed" if failed else "done",
                amount=money_text(event.amount, payment.currency),
                at=event.created_at,
                expected_by=event.expected_by,
                note=note,
            )
        )
    for extra in payout_steps(payment):
        upcoming = extra["created_at"] is None
        steps.append(
            Step(
                key=extra["kind"],
                title=str(STEP_TITLES.get(extra["kind"], extra["kind"])),
                state="upcoming" if upcoming else "done",
                amount=money_text(extra["amount"]["amount"], payment.currency) if extra["amount"] else "",
                at=extra["created_at"],
                expected_by=extra["expected_by"],
            )
        )
    if payment.status in TERMINAL_PAYMENT or payment.status == PaymentStatus.PARTIALLY_REFUNDED:
        return steps
    reached = {e.kind for e in events}
    last = max((STEP_ORDER.index(k) for k in reached if k in STEP_ORDER), default=-1)
    for key in STEP_ORDER[last + 1 :]:
        if key == "authorized" and payment.method == Method.BANK_TRANSFER:
            continue
        steps.append(Step(key=key, title=str(STEP_TITLES[key]), state="upcoming"))
    return steps


# --- Charts --------------------------------------------------------------------------------------------


def status_chart(counts: dict[str, int]) -> dict[str, Any]:
    present = [s for s in OrderStatus.values if counts.get(s)]
    return {
        "labels": [status_label("order", s) for s in present],
        "values": [counts[s] for s in present],
        "tones": [status_tone("order", s) for s in present],
    }


def held_chart(held: dict[str, int]) -> dict[str, Any]:
    """Bars on one scale (USD at the reference rates, for length only); tooltips give the real amounts."""
    currencies = sorted((c for c, amount in held.items() if amount), key=lambda c: -convert(held[c], c, "USD"))
    return {
        "labels": currencies,
        "values": [float(to_major(convert(held[c], c, "USD"), "USD")) for c in currencies],
        "tooltips": [format_amount(held[c], c) for c in currencies],
        "label": str(_("Held in escrow")),
        "axis": str(_("≈ USD at reference rates")),
    }


def escrow_chart(summary: Any) -> dict[str, Any]:
    cur = summary.currency
    pairs = [
        (_("Paid in"), summary.paid_in),
        (_("Held"), summary.held),
        (_("Released"), summary.released),
        (_("Refunded"), summary.refunded),
    ]
    return {
        "labels": [str(label) for label, _amount in pairs],
        "values": [float(to_major(amount, cur)) for _label, amount in pairs],
        "tones": ["info", "primary", "success", "danger"],
        "currency": cur,
    }
