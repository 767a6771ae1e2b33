from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from tradeshield.kit.schemas import MoneySchema, StrictIn

ReasonIn = Literal[
    "not_shipped", "late", "not_as_described", "quality", "quantity_short", "damaged", "wrong_item", "counterfeit"
]
RemedyIn = Literal["full_refund", "partial_refund", "return_and_refund", "replacement"]
Text = Field(..., min_length=1, max_length=5000)


class DisputeIn(StrictIn):
    reason: ReasonIn
    remedy: RemedyIn
    amount: MoneySchema | None = Field(None, description="Required for a partial refund; at most what was paid.")
    description: str = Text


class EditIn(StrictIn):
    reason: ReasonIn | None = None
    remedy: RemedyIn | None = None
    amount: MoneySchema | None = None
    description: str | None = Field(None, min_length=1, max_length=5000)


class CounterIn(StrictIn):
    amount: MoneySchema = Field(..., description="What the buyer gets back; at most the amount paid.")
    remedy: RemedyIn | None = None
    text: str = Text


class TextIn(StrictIn):
    text: str = Text


class ReasonsIn(StrictIn):
    reasons: str = Field(..., min_length=1, max_length=5000)


class EvidenceRequestIn(StrictIn):
    side: Literal["buyer", "supplier"]
    text: str = Text
    due_days: int = Field(5, ge=1, le=30)


class InspectionOrderIn(StrictIn):
    agency_id: str = Field(max_length=40)
    scope: str = Text
    site_address: str = Field("", max_length=300)


class SettlementIn(StrictIn):
    buyer_amount: MoneySchema
    text: str = Field("", max_length=5000)


class DisputeDecisionIn(StrictIn):
    buyer_amount: MoneySchema = Field(..., description="Refunded to the buyer.")
    supplier_amount: MoneySchema = Field(..., description="Released to (or kept by) the supplier.")
    reasons: str = Field(..., min_length=1, max_length=5000)


class MoneyOut(Schema):
    amount: int
    currency: str


class EvidenceOut(Schema):
    id: str
    side: str
    name: str
    content_type: str
    size: int
    sha256: str
    note: str
    created_at: datetime


class EvidenceRequestOut(Schema):
    id: str
    side: str
    text: str
    due_at: datetime
    status: str
    created_at: datetime


class SettlementOut(Schema):
    id: str
    buyer_amount: MoneyOut
    supplier_amount: MoneyOut
    text: str
    proposed_by: str
    buyer_signed_at: datetime | None
    supplier_signed_at: datetime | None
    status: str


class DisputeTimelineEntryOut(Schema):
    kind: str
    actor: str
    at: datetime
    data: dict[str, object]


class AttachedOut(Schema):
    kind: str
    at: datetime
    summary: str
    ref: str


class OfferOut(Schema):
    by: str
    amount: MoneyOut
    remedy: str
    text: str


class DecisionOut(Schema):
    buyer_amount: MoneyOut
    supplier_amount: MoneyOut
    reasons: str
    decided_at: datetime
    final: bool


class DisputeOut(Schema):
    id: str
    order_id: str
    status: str = Field(..., description="negotiating, escalated, decided, appealed, resolved, withdrawn, lapsed")
    outcome: str = Field(..., description="agreed, auto_granted, settled, decided, withdrawn, lapsed, or empty")
    stage: str = Field(..., description="pre_release or post_sales")
    reason: str
    remedy: str
    description: str
    disputed_amount: MoneyOut
    requested_amount: MoneyOut
    offer: OfferOut
    supplier_respond_by: datetime
    supplier_responded_at: datetime | None
    buyer_may_escalate_at: datetime
    auto_escalate_at: datetime
    escalated_at: datetime | None
    assign_by: datetime | None
    expert: str | None
    decision: DecisionOut | None
    appeal_by: datetime | None
    appealed_at: datetime | None
    refunded: MoneyOut
    from_guarantee_fund: MoneyOut
    resolved_at: datetime | None
    your_side: str | None = Field(..., description="buyer, supplier, expert, or null for read-only viewers")
    created_at: datetime
    updated_at: datetime


class AuditChainOut(Schema):
    entries: int = Field(..., description="Events of the order in its hash-chained audit log.")
    verified: bool = Field(..., description="Every link and every event checked against its entry.")
    problem: str
    head: str = Field(..., description="SHA-256 of the last entry: quoting it pins the whole history.")


class DisputeDetailOut(DisputeOut):
    evidence: list[EvidenceOut]
    evidence_requests: list[EvidenceRequestOut]
    settlements: list[SettlementOut]
    timeline: list[DisputeTimelineEntryOut]
    attached_evidence: list[AttachedOut]
    audit_chain: AuditChainOut
