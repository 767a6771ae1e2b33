"""Dispute endpoints: thin wrappers around services and selectors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from tradeshield.disputes import services
from tradeshield.disputes.errors import DisputeInvalid
from tradeshield.disputes.render import (
    render_detail,
    render_dispute,
    render_evidence,
    render_request,
    render_settlement,
)
from tradeshield.disputes.schemas import (
    CounterIn,
    DisputeDecisionIn,
    DisputeDetailOut,
    DisputeIn,
    DisputeOut,
    EditIn,
    EvidenceOut,
    EvidenceRequestIn,
    EvidenceRequestOut,
    InspectionOrderIn,
    ReasonsIn,
    SettlementIn,
    SettlementOut,
    TextIn,
)
from tradeshield.disputes.selectors import dispute_for_expert, dispute_get, disputes_visible_to
from tradeshield.files import services as files
from tradeshield.inspections.render import render_inspection
from tradeshield.kit.http import clamp_limit, page
from tradeshield.kit.money import CurrencyMismatch
from tradeshield.kit.schemas import ERROR_RESPONSES, MoneySchema, Page
from tradeshield.orders.selectors import order_get
from tradeshield.organizations.auth import API_AUTH, actor_of

router = Router(tags=["disputes"], auth=API_AUTH)
ERRORS = ERROR_RESPONSES
MAX_NOTE = 500


def _amount(value: MoneySchema | None, currency: str, field: str) -> int | None:
    if value is None:
        return None
    if value.currency != currency:
        raise CurrencyMismatch(
            _("This dispute is in %(currency)s.") % {"currency": currency}, field=f"{field}.currency"
        )
    return value.amount


def _detail(request: HttpRequest, dispute_id: str) -> dict[str, Any]:
    actor = actor_of(request)
    return render_detail(dispute_get(actor, dispute_id), actor)


@router.post(
    "/orders/{order_id}/disputes",
    response={201: DisputeDetailOut, **ERRORS},
    summary="The buyer opens a dispute (before release, or up to 30 days after receipt); funds freeze",
)
def open_dispute(request: HttpRequest, order_id: str, payload: DisputeIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    order = order_get(actor, order_id)
    dispute = services.dispute_open(
        actor=actor,
        order_id=order_id,
        reason=payload.reason,
        remedy=payload.remedy,
        amount=_amount(payload.amount, order.currency, "amount"),
        description=payload.description,
    )
    return Status(201, render_detail(dispute, actor))


@router.get("/orders/{order_id}/disputes", response={200: list[DisputeOut], **ERRORS}, summary="An order's disputes")
def order_disputes(request: HttpRequest, order_id: str) -> list[dict[str, Any]]:
    actor = actor_of(request)
    order = order_get(actor, order_id)
    return [render_dispute(d, actor) for d in disputes_visible_to(actor).filter(order=order).order_by("-id")]


@router.get("/disputes", response={200: Page[DisputeOut], **ERRORS}, summary="Disputes you can see (experts: yours)")
def list_disputes(
    request: HttpRequest, status: str | None = None, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    actor = actor_of(request)
    size = clamp_limit(limit)
    rows = disputes_visible_to(actor).order_by("-id")
    if status:
        rows = rows.filter(status=status)
    if cursor:
        rows = rows.filter(pk__lt=cursor)
    return page(list(rows[: size + 1]), size, lambda d: d.id, lambda d: render_dispute(d, actor))


@router.get("/disputes/{dispute_id}", response={200: DisputeDetailOut, **ERRORS})
def get_dispute(request: HttpRequest, dispute_id: str) -> dict[str, Any]:
    return _detail(request, dispute_id)


@router.post(
    "/disputes/{dispute_id}/counter",
    response={200: DisputeDetailOut, **ERRORS},
    summary="Counter the other side's offer (supplier first; the buyer may counter back)",
)
def counter(request: HttpRequest, dispute_id: str, payload: CounterIn) -> dict[str, Any]:
    actor = actor_of(request)
    dispute = dispute_get(actor, dispute_id)
    services.dispute_counter(
        actor=actor,
        dispute_id=dispute_id,
        amount=_amount(payload.amount, dispute.currency, "amount") or 0,
        remedy=payload.remedy,
        text=payload.text,
    )
    return _detail(request, dispute_id)


@router.post(
    "/disputes/{dispute_id}/accept",
    response={200: DisputeDetailOut, **ERRORS},
    summary="Accept the other side's standing offer; executed at once (Idempotency-Key required)",
)
def accept(request: HttpRequest, dispute_id: str) -> dict[str, Any]:
    services.dispute_accept(actor=actor_of(request), dispute_id=dispute_id)
    return _detail(request, dispute_id)


@router.post(
    "/disputes/{dispute_id}/reject",
    response={200: DisputeDetailOut, **ERRORS},
    summary="The supplier rejects the request (upload evidence first)",
)
def reject(request: HttpRequest, dispute_id: str, payload: TextIn) -> dict[str, Any]:
    services.dispute_reject(actor=actor_of(request), dispute_id=dispute_id, text=payload.text)
    return _detail(request, dispute_id)


@router.post(
    "/disputes/{dispute_id}/edit", response={200: DisputeDetailOut, **ERRORS}, summary="The buyer edits the request"
)
def edit(request: HttpRequest, dispute_id: str, payload: EditIn) -> dict[str, Any]:
    actor = actor_of(request)
    dispute = dispute_get(actor, dispute_id)
    services.dispute_edit(
        actor=actor,
        dispute_id=dispute_id,
        reason=payload.reason,
        remedy=payload.remedy,
        amount=_amount(payload.amount, dispute.currency, "amount"),
        description=payload.description,
    )
    return _detail(request, dispute_id)


@router.post(
    "/disputes/{dispute_id}/withdraw",
    response={200: DisputeDetailOut, **ERRORS},
    summary="The buyer withdraws the dispute; the funds unfreeze (Idempotency-Key required)",
)
def withdraw(request: HttpRequest, dispute_id: str) -> dict[str, Any]:
    services.dispute_withdraw(actor=actor_of(request), dispute_id=dispute_id)
    return _detail(request, dispute_id)


@router.post(
    "/disputes/{dispute_id}/escalate",
    response={200: DisputeDetailOut, **ERRORS},
    summary="The buyer escalates to arbitration (from day 4)",
)
def escalate(request: HttpRequest, dispute_id: str) -> dict[str, Any]:
    services.dispute_escalate(actor=actor_of(request), dispute_id=dispute_id)
    return _detail(request, dispute_id)


@router.post(
    "/disputes/{dispute_id}/evidence",
    response={201: EvidenceOut, **ERRORS},
    summary="A party adds evidence: JPEG, PNG, WebP or PDF, up to 10 MB",
)
def add_evidence(
    request: HttpRequest, dispute_id: str, file: File[UploadedFile], note: Form[str] = ""
) -> Status[dict[str, Any]]:
    if len(note) > MAX_NOTE:
        raise DisputeInvalid(
            ngettext("At most %(limit)s character.", "At most %(limit)s characters.", MAX_NOTE) % {"limit": MAX_NOTE},
            field="note",
            code="text_too_long",
        )
    evidence = services.evidence_add(
        actor=actor_of(request),
        dispute_id=dispute_id,
        data=file.read(files.MAX_BYTES + 1),
        name=file.name or "evidence",
        note=note,
    )
    return Status(201, render_evidence(evidence))


@router.post(
    "/disputes/{dispute_id}/evidence-requests",
    response={201: EvidenceRequestOut, **ERRORS},
    summary="The assigned expert asks a side for evidence by a deadline (a buyer who misses it loses the case)",
)
def request_evidence(request: HttpRequest, dispute_id: str, payload: EvidenceRequestIn) -> Status[dict[str, Any]]:
    req = services.evidence_request(
        actor=actor_of(request), dispute_id=dispute_id, side=payload.side, text=payload.text, due_days=payload.due_days
    )
    return Status(201, render_request(req))


@router.post(
    "/disputes/{dispute_id}/inspections",
    response={201: dict[str, Any], **ERRORS},
    summary="The assigned expert orders a third-party inspection; the buyer prepays its fee by a deadline",
)
def order_inspection(request: HttpRequest, dispute_id: str, payload: InspectionOrderIn) -> Status[dict[str, Any]]:
    inspection = services.inspection_order(
        actor=actor_of(request),
        dispute_id=dispute_id,
        agency_id=payload.agency_id,
        scope=payload.scope,
        site_address=payload.site_address,
    )
    return Status(201, render_inspection(inspection))


@router.post(
    "/disputes/{dispute_id}/settlement",
    response={201: SettlementOut, **ERRORS},
    summary="A party proposes (and signs) a settlement during arbitration",
)
def propose_settlement(request: HttpRequest, dispute_id: str, payload: SettlementIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    dispute = dispute_get(actor, dispute_id)
    settlement = services.settlement_propose(
        actor=actor,
        dispute_id=dispute_id,
        buyer_amount=_amount(payload.buyer_amount, dispute.currency, "buyer_amount") or 0,
        text=payload.text,
    )
    return Status(201, render_settlement(settlement, dispute.currency))


@router.post(
    "/disputes/{dispute_id}/settlement/sign",
    response={200: DisputeDetailOut, **ERRORS},
    summary="The other party signs the settlement: the case stops and the split is executed (Idempotency-Key required)",
)
def sign_settlement(request: HttpRequest, dispute_id: str) -> dict[str, Any]:
    services.settlement_sign(actor=actor_of(request), dispute_id=dispute_id)
    return _detail(request, dispute_id)


@router.post(
    "/disputes/{dispute_id}/decide",
    response={200: DisputeDetailOut, **ERRORS},
    summary="The assigned expert decides the split with written reasons (Idempotency-Key required)",
)
def decide(request: HttpRequest, dispute_id: str, payload: DisputeDecisionIn) -> dict[str, Any]:
    actor = actor_of(request)
    dispute = dispute_for_expert(actor, dispute_id)
    services.dispute_decide(
        actor=actor,
        dispute_id=dispute_id,
        buyer_amount=_amount(payload.buyer_amount, dispute.currency, "buyer_amount") or 0,
        supplier_amount=_amount(payload.supplier_amount, dispute.currency, "supplier_amount") or 0,
        reasons=payload.reasons,
    )
    return _detail(request, dispute_id)


@router.post(
    "/disputes/{dispute_id}/appeal",
    response={200: DisputeDetailOut, **ERRORS},
    summary="A party appeals a first decision within 7 days; a different expert decides finally",
)
def appeal(request: HttpRequest, dispute_id: str, payload: ReasonsIn) -> dict[str, Any]:
    services.dispute_appeal(actor=actor_of(request), dispute_id=dispute_id, reasons=payload.reasons)
    return _detail(request, dispute_id)
