"""Which order events become which webhook types, and who hears about them in the app and by email.

Audiences: "both" sides, the "other" side than the actor's (both when the system acted), or one side.
The acting person is never notified of their own action. Kinds not listed here (new domains' events)
still reach webhooks under their own name and appear in the app for both sides.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Audience = Literal["", "both", "other", "buyer", "supplier"]
SIDES = ("buyer", "supplier")
TEST_EVENT_TYPE = "webhook.test"
PATTERN = re.compile(r"[a-z][a-z_]*\.(\*|[a-z][a-z_]*)")
UPCOMING_NOUNS = ("dispute", "shipment", "inspection", "protection")


@dataclass(frozen=True)
class Rule:
    type: str
    in_app: Audience = "both"
    email: Audience = ""
    agency: bool = False  # also the booked inspection agency's members, in the app and by email


RULES: dict[str, Rule] = {
    "order.created": Rule("order.created", in_app="other", email="other"),
    "order.terms_edited": Rule("order.updated", in_app="other"),
    "order.confirmed_by_buyer": Rule("order.buyer_confirmed", in_app="other"),
    "order.confirmed_by_supplier": Rule("order.supplier_confirmed", in_app="other"),
    "order.confirmed": Rule("order.confirmed", email="buyer"),
    "payment.initiated": Rule("payment.created", in_app=""),
    "payment.funds_received": Rule("payment.funds_received"),
    "payment.abandoned": Rule("payment.cancelled", in_app="supplier"),
    "payment.refunded_late_funds": Rule("payment.refunded", in_app="buyer", email="buyer"),
    "order.deposit_paid": Rule("order.deposit_paid", email="both"),
    "order.paid": Rule("order.paid", email="both"),
    "order.shipped": Rule("order.shipped", email="buyer"),
    "order.delivered": Rule("order.delivered", email="buyer"),
    "order.completed": Rule("order.completed"),
    "escrow.released": Rule("escrow.released", email="supplier"),
    "order.cancelled": Rule("order.cancelled", email="both"),
    "order.refunded": Rule("order.refunded", email="both"),
    "order.partially_refunded": Rule("order.partially_refunded", email="buyer"),
    "amendment.proposed": Rule("amendment.proposed", in_app="other", email="other"),
    "amendment.accepted": Rule("amendment.accepted", in_app="other"),
    "amendment.rejected": Rule("amendment.rejected", in_app="other"),
    "amendment.withdrawn": Rule("amendment.withdrawn", in_app="other"),
    "protection.compensated": Rule("compensation.paid", email="both"),
    "protection.late_cancelled": Rule("order.late_cancelled", email="both"),
    "protection.auto_confirm_reminder": Rule("receipt.auto_confirm_reminder", in_app="buyer", email="buyer"),
    "protection.auto_confirmed": Rule("receipt.auto_confirmed", email="both"),
    "protection.payment_expired": Rule("order.payment_expired", email="both"),
    "shipment.created": Rule("shipment.created", in_app="other"),
    "shipment.delayed": Rule("shipment.delayed", in_app="both", email="both"),
    "shipment.exception": Rule("shipment.exception", in_app="both", email="both"),
    "shipment.delivered": Rule("shipment.delivered", in_app="both"),
    "shipment.handover_blocked": Rule("shipment.handover_blocked", in_app="both", email="both"),
    "inspection.plan_updated": Rule("inspection.plan_updated", in_app="other"),
    "inspection.requested": Rule("inspection.requested", in_app="other", email="buyer", agency=True),
    "inspection.fee_paid": Rule("inspection.booked", in_app="other", agency=True),
    "inspection.cancelled": Rule("inspection.cancelled", in_app="other", agency=True),
    "inspection.scheduled": Rule("inspection.scheduled", email="both"),
    "inspection.passed": Rule("inspection.passed", email="both"),
    "inspection.failed": Rule("inspection.failed", email="both"),
    "inspection.fee_refunded": Rule("inspection.fee_refunded", in_app="buyer"),
    "inspection.buyer_chose_accept": Rule("inspection.accepted_by_buyer", in_app="other", email="supplier"),
    "inspection.buyer_chose_rework": Rule("inspection.rework_requested", in_app="other", email="supplier"),
    "inspection.buyer_chose_cancel": Rule("inspection.order_cancelled", in_app="other", email="supplier"),
    "inspection.report_overdue": Rule("inspection.report_overdue", agency=True),
    "message.posted": Rule("message.posted", in_app="other", email="other"),
    "review.posted": Rule("review.posted", in_app="supplier", email="supplier"),
    "review.replied": Rule("review.replied", in_app="buyer"),
    "dispute.opened": Rule("dispute.opened", email="supplier"),
    "dispute.countered": Rule("dispute.offer_made", in_app="other", email="other"),
    "dispute.rejected": Rule("dispute.rejected", in_app="other", email="other"),
    "dispute.accepted": Rule("dispute.accepted", in_app="other"),
    "dispute.edited": Rule("dispute.updated", in_app="other"),
    "dispute.escalated": Rule("dispute.escalated", email="both"),
    "dispute.assigned": Rule("dispute.assigned"),
    "dispute.evidence_added": Rule("dispute.evidence_added", in_app="other"),
    "dispute.evidence_requested": Rule("dispute.evidence_requested", email="both"),
    "dispute.evidence_lapsed": Rule("dispute.evidence_lapsed", email="both"),
    "dispute.settlement_proposed": Rule("dispute.settlement_proposed", in_app="other", email="other"),
    "dispute.decided": Rule("dispute.decided", email="both"),
    "dispute.appealed": Rule("dispute.appealed", email="both"),
    "dispute.resolved": Rule("dispute.resolved", email="both"),
}

# A payment that starts already captured (card, e-check) or already failed says so in its type.
PAYMENT_STARTED_TYPES = {"held": "payment.captured", "failed": "payment.failed"}

EVENT_TYPES: tuple[str, ...] = tuple(
    sorted({rule.type for rule in RULES.values()} | set(PAYMENT_STARTED_TYPES.values()) | {TEST_EVENT_TYPE})
)


# The platform confirming receipt on the buyer's behalf is worth an email to both sides.
AUTOMATIC_COMPLETION = Rule("order.completed", email="both")


def rule_for(kind: str, data: Mapping[str, Any] | None = None) -> Rule:
    if kind == "order.completed" and (data or {}).get("automatic"):
        return AUTOMATIC_COMPLETION
    return RULES.get(kind) or Rule(kind)


def webhook_type(kind: str, data: Mapping[str, Any]) -> str:
    if kind == "payment.initiated":
        return PAYMENT_STARTED_TYPES.get(str(data.get("status", "")), "payment.created")
    return rule_for(kind).type


def sides_for(audience: Audience, actor_side: str | None) -> tuple[str, ...]:
    if audience == "both" or (audience == "other" and actor_side is None):
        return SIDES
    if audience == "other":
        return tuple(side for side in SIDES if side != actor_side)
    return (audience,) if audience else ()


def type_matches(event_type: str, patterns: list[str]) -> bool:
    """An endpoint's filter: empty takes everything; "order.*" takes every order event."""
    if not patterns:
        return True
    noun = event_type.split(".", 1)[0]
    return event_type in patterns or f"{noun}.*" in patterns


def valid_pattern(pattern: str) -> bool:
    """A known type or "noun.*"; for nouns whose events are still to come, any well-formed name."""
    if not PATTERN.fullmatch(pattern):
        return False
    noun = pattern.split(".", 1)[0]
    if noun in UPCOMING_NOUNS:
        return True
    return pattern in EVENT_TYPES or (pattern.endswith(".*") and noun in {t.split(".", 1)[0] for t in EVENT_TYPES})
