"""Disputes as the API returns them (also used by the web pages)."""

from __future__ import annotations

from typing import Any

from tradeshield.audit.services import verify_order
from tradeshield.disputes import selectors
from tradeshield.disputes.models import Dispute, DisputeStatus, Evidence, EvidenceRequest, Settlement
from tradeshield.kit.schemas import money
from tradeshield.organizations.actors import Actor


def render_dispute(dispute: Dispute, actor: Actor | None = None) -> dict[str, Any]:
    cur = dispute.currency
    decision = None
    if dispute.decided_at is not None and dispute.decision_buyer_amount is not None:
        decision = {
            "buyer_amount": money(dispute.decision_buyer_amount, cur),
            "supplier_amount": money(dispute.decision_supplier_amount or 0, cur),
            "reasons": dispute.decision_reasons,
            "decided_at": dispute.decided_at,
            "final": dispute.appealed_at is not None or dispute.status == DisputeStatus.RESOLVED,
        }
    expert = dispute.expert
    return {
        "id": dispute.id,
        "order_id": dispute.order_id,
        "status": dispute.status,
        "outcome": dispute.outcome,
        "stage": dispute.stage,
        "reason": dispute.reason,
        "remedy": dispute.remedy,
        "description": dispute.description,
        "disputed_amount": money(dispute.disputed_amount, cur),
        "requested_amount": money(dispute.requested_amount, cur),
        "offer": {
            "by": dispute.offer_by,
            "amount": money(dispute.offer_amount, cur),
            "remedy": dispute.offer_remedy,
            "text": dispute.offer_text,
        },
        "supplier_respond_by": dispute.supplier_respond_by,
        "supplier_responded_at": dispute.supplier_responded_at,
        "buyer_may_escalate_at": dispute.buyer_may_escalate_at,
        "auto_escalate_at": dispute.auto_escalate_at,
        "escalated_at": dispute.escalated_at,
        "assign_by": dispute.assign_by,
        "expert": (expert.full_name or expert.email) if expert else None,
        "decision": decision,
        "appeal_by": dispute.appeal_by,
        "appealed_at": dispute.appealed_at,
        "refunded": money(dispute.refunded_amount, cur),
        "from_guarantee_fund": money(dispute.from_guarantee_fund, cur),
        "resolved_at": dispute.resolved_at,
        "your_side": selectors.side_of(actor, dispute) if actor else None,
        "created_at": dispute.created_at,
        "updated_at": dispute.updated_at,
    }


def render_evidence(e: Evidence) -> dict[str, Any]:
    stored = e.file
    return {
        "id": e.id,
        "side": e.side,
        "name": stored.name,
        "content_type": stored.content_type,
        "size": stored.size,
        "sha256": stored.sha256,
        "note": e.note,
        "created_at": e.created_at,
    }


def render_request(r: EvidenceRequest) -> dict[str, Any]:
    return {
        "id": r.id,
        "side": r.side,
        "text": r.text,
        "due_at": r.due_at,
        "status": r.status,
        "created_at": r.created_at,
    }


def render_settlement(s: Settlement, currency: str) -> dict[str, Any]:
    return {
        "id": s.id,
        "buyer_amount": money(s.buyer_amount, currency),
        "supplier_amount": money(s.supplier_amount, currency),
        "text": s.text,
        "proposed_by": s.proposed_by,
        "buyer_signed_at": s.buyer_signed_at,
        "supplier_signed_at": s.supplier_signed_at,
        "status": s.status,
    }


def render_detail(dispute: Dispute, actor: Actor) -> dict[str, Any]:
    body = render_dispute(dispute, actor)
    body["evidence"] = [render_evidence(e) for e in dispute.evidence.select_related("file")]
    body["evidence_requests"] = [render_request(r) for r in dispute.evidence_requests.all()]
    body["settlements"] = [render_settlement(s, dispute.currency) for s in dispute.settlements.order_by("created_at")]
    body["timeline"] = [
        {"kind": e.kind, "actor": e.actor, "at": e.created_at, "data": e.data} for e in selectors.timeline(dispute)
    ]
    body["attached_evidence"] = [
        {"kind": a.kind, "at": a.at, "summary": a.summary, "ref": a.ref} for a in selectors.attached_evidence(dispute)
    ]
    chain = verify_order(dispute.order_id)
    body["audit_chain"] = {
        "entries": chain.entries,
        "verified": chain.ok,
        "problem": chain.problem,
        "head": chain.head,
    }
    return body
