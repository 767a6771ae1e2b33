"""Firing dispute deadlines: the periodic sweep (real time) and simulation clocks.

Each due `DisputeDeadline` row is acted on in its own transaction: lock the order, then the dispute,
then the deadline row with SKIP LOCKED (a second worker moves on), check it is still not done, act,
and mark it done in the same transaction. The row's (dispute, kind, period) key is unique, so each
deadline exists once; `done_at` is set with the action, so it fires once. A crash rolls both back.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from django.db import transaction

from tradeshield.disputes import inspection as ordered_inspection
from tradeshield.disputes import services
from tradeshield.disputes.models import DeadlineKind, Dispute, DisputeDeadline, DisputeStatus, EvidenceRequest, Outcome
from tradeshield.inspections.models import Inspection
from tradeshield.kit import clock
from tradeshield.kit.errors import DomainError
from tradeshield.orders.models import Order

S = DisputeStatus


def _supplier_silent(dispute: Dispute, order: Order, row: DisputeDeadline) -> dict[str, Any]:
    if dispute.status != S.NEGOTIATING or dispute.supplier_responded_at is not None:
        return {"skipped": "responded"}
    amount = dispute.offer_amount if dispute.offer_by == "buyer" else dispute.requested_amount
    services._resolve(
        dispute,
        order,
        actor=None,
        outcome=Outcome.AUTO_GRANTED,
        buyer_amount=amount,
        release_rest=False,
        remedy=dispute.remedy,
    )
    return {"granted": amount}


def _auto_escalate(dispute: Dispute, order: Order, row: DisputeDeadline) -> dict[str, Any]:
    if dispute.status != S.NEGOTIATING:
        return {"skipped": dispute.status}
    services.escalate(dispute, order, None)
    return {"escalated": True}


def _assign(dispute: Dispute, order: Order, row: DisputeDeadline) -> dict[str, Any] | None:
    if dispute.status not in (S.ESCALATED, S.APPEALED) or dispute.expert_id is not None:
        return {"skipped": "assigned"}
    if services._assign(dispute, order):
        return {"assigned": dispute.expert_id}
    return None  # nobody free yet: try again later (the row stays due)


def _evidence(dispute: Dispute, order: Order, row: DisputeDeadline) -> dict[str, Any]:
    request = EvidenceRequest.objects.select_for_update().filter(pk=row.period, dispute=dispute).first()
    if request is None or request.status != EvidenceRequest.Status.OPEN:
        return {"skipped": "provided"}
    request.status, request.closed_at = EvidenceRequest.Status.LAPSED, clock.now()
    request.save(update_fields=["status", "closed_at"])
    services._event(dispute, order, "evidence_lapsed", None, side=request.side, request_id=request.id)
    if request.side == "buyer" and dispute.status in (S.ESCALATED, S.APPEALED):
        # The buyer's request lapses: the case closes in the supplier's favour.
        services._resolve(
            dispute, order, actor=None, outcome=Outcome.LAPSED, buyer_amount=0, release_rest=True, status=S.LAPSED
        )
        return {"lapsed": "dispute"}
    return {"lapsed": "request"}


def _inspection_fee(dispute: Dispute, order: Order, row: DisputeDeadline) -> dict[str, Any]:
    inspection = Inspection.objects.select_for_update().filter(pk=row.period, dispute_ref=dispute.id).first()
    if inspection is None or not ordered_inspection.lapse(inspection):
        return {"skipped": "paid"}
    services._event(dispute, order, "inspection_lapsed", None, inspection_id=inspection.id)
    return {"lapsed": "inspection"}


def _appeal_window(dispute: Dispute, order: Order, row: DisputeDeadline) -> dict[str, Any]:
    if dispute.status != S.DECIDED:
        return {"skipped": dispute.status}
    assert dispute.decision_buyer_amount is not None
    services._resolve(
        dispute,
        order,
        actor=None,
        outcome=Outcome.DECIDED,
        buyer_amount=dispute.decision_buyer_amount,
        release_rest=True,
    )
    return {"executed": dispute.decision_buyer_amount}


ACTIONS = {
    DeadlineKind.SUPPLIER_RESPONSE: _supplier_silent,
    DeadlineKind.AUTO_ESCALATE: _auto_escalate,
    DeadlineKind.ASSIGN: _assign,
    DeadlineKind.EVIDENCE: _evidence,
    DeadlineKind.APPEAL_WINDOW: _appeal_window,
    DeadlineKind.INSPECTION_FEE: _inspection_fee,
}


def fire(row_id: int, now: datetime) -> str | None:
    """Act on one due deadline; its kind if acted, None if another worker has it or it is done."""
    with transaction.atomic():
        ids = DisputeDeadline.objects.filter(pk=row_id).values_list("dispute_id", "dispute__order_id").first()
        if ids is None:
            return None
        order = Order.objects.select_for_update(skip_locked=True).filter(pk=ids[1]).first()
        if order is None:
            return None
        dispute = Dispute.objects.select_for_update().get(pk=ids[0])
        row = (
            DisputeDeadline.objects.select_for_update(skip_locked=True)
            .filter(pk=row_id, done_at__isnull=True, due_at__lte=now)
            .first()
        )
        if row is None:
            return None
        try:
            with transaction.atomic():
                outcome = ACTIONS[DeadlineKind(row.kind)](dispute, order, row)
        except DomainError as error:
            outcome = {"error": error.code, "message": str(error.message)}
        if outcome is None:
            row.due_at = now + services.policy.ASSIGN_RETRY
            row.save(update_fields=["due_at"])
            return None
        DisputeDeadline.objects.filter(pk=row.pk, done_at__isnull=True).update(done_at=now, outcome=outcome)
        return None if "skipped" in outcome else row.kind


def due(now: datetime, clock_id: str | None = None, limit: int = 500) -> list[int]:
    return list(
        DisputeDeadline.objects.filter(done_at__isnull=True, due_at__lte=now, test_clock_id=clock_id)
        .order_by("due_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def next_due(until: datetime, clock_id: str) -> tuple[datetime, int] | None:
    row = (
        DisputeDeadline.objects.filter(done_at__isnull=True, due_at__lte=until, test_clock_id=clock_id)
        .order_by("due_at", "id")
        .values_list("due_at", "pk")
        .first()
    )
    return (row[0], row[1]) if row else None


def sweep(*, now: datetime | None = None, clock_id: str | None = None) -> Counter[str]:
    now = now or clock.now()
    acted: Counter[str] = Counter()
    seen: set[int] = set()
    while True:
        batch = [pk for pk in due(now, clock_id) if pk not in seen]
        if not batch:
            return acted
        for pk in batch:
            seen.add(pk)
            kind = fire(pk, now)
            if kind:
                acted[kind] += 1
