"""Risk staff endpoints: the review queue, approve/decline, frozen accounts and unfreezing (re-auth)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from tradeshield.kit.http import clamp_limit, page
from tradeshield.kit.schemas import ERROR_RESPONSES, StrictIn
from tradeshield.organizations.auth import API_AUTH, actor_of
from tradeshield.risk import selectors, services
from tradeshield.risk.models import AccountFreeze, RiskCase, RiskRule
from tradeshield.security.reauth import HEADER, require_recent_auth

router = Router(tags=["risk"], auth=API_AUTH)
ERRORS = ERROR_RESPONSES


class RiskCaseOut(Schema):
    id: str
    kind: str
    organization_id: str
    reference: str
    amount: int
    currency: str
    score: int
    outcome: str
    status: str
    matched_rules: list[str]
    signals: dict[str, Any]
    decided_by: str
    decided_at: datetime | None
    reason: str
    created_at: datetime


class RiskCasePageOut(Schema):
    data: list[RiskCaseOut]
    next_cursor: str | None


class RiskCaseFilter(Schema):
    status: Literal["pending", "approved", "declined", "closed"] | None = None
    limit: int | None = Field(None, ge=1, le=100)
    cursor: str | None = Field(None, max_length=60)


class RiskDecisionIn(StrictIn):
    reason: str = Field("", max_length=2000)


class RiskUnfreezeIn(StrictIn):
    reason: str = Field(..., max_length=2000)


class RiskFreezeOut(Schema):
    organization_id: str
    frozen_at: datetime
    case_id: str | None
    reason: str
    unfrozen_at: datetime | None
    unfrozen_by: str
    unfreeze_reason: str


def render_case(case: RiskCase) -> dict[str, Any]:
    return {
        "id": case.id,
        "kind": case.kind,
        "organization_id": case.organization_id,
        "reference": case.reference,
        "amount": case.amount,
        "currency": case.currency,
        "score": case.assessment.score,
        "outcome": case.outcome,
        "status": case.status,
        "matched_rules": list(case.assessment.matched),
        "signals": dict(case.assessment.signals),
        "decided_by": case.decided_by,
        "decided_at": case.decided_at,
        "reason": case.reason,
        "created_at": case.created_at,
    }


def render_freeze(freeze: AccountFreeze) -> dict[str, Any]:
    return {
        "organization_id": freeze.organization_id,
        "frozen_at": freeze.frozen_at,
        "case_id": freeze.case_id,
        "reason": freeze.reason,
        "unfrozen_at": freeze.unfrozen_at,
        "unfrozen_by": freeze.unfrozen_by,
        "unfreeze_reason": freeze.unfreeze_reason,
    }


@router.get("/risk/cases", response={200: RiskCasePageOut, **ERRORS}, summary="Risk cases, newest first (staff)")
def list_cases(request: HttpRequest, filters: Query[RiskCaseFilter]) -> dict[str, Any]:
    cases = selectors.cases_for(actor_of(request), filters.status)
    if filters.cursor:
        cases = cases.filter(id__lt=filters.cursor)
    limit = clamp_limit(filters.limit)
    return page(list(cases[: limit + 1]), limit, lambda c: c.id, render_case)


@router.get("/risk/cases/{case_id}", response={200: RiskCaseOut, **ERRORS})
def get_case(request: HttpRequest, case_id: str) -> dict[str, Any]:
    return render_case(selectors.case_get(actor_of(request), case_id))


@router.post(
    "/risk/cases/{case_id}/approve",
    response={200: RiskCaseOut, **ERRORS},
    summary="Approve a held action: repeating it (same amount) then goes through once",
)
def approve_case(request: HttpRequest, case_id: str, payload: RiskDecisionIn) -> dict[str, Any]:
    case = services.case_decide(actor=actor_of(request), case_id=case_id, approve=True, reason=payload.reason)
    return render_case(selectors.case_get(actor_of(request), case.id))


@router.post("/risk/cases/{case_id}/decline", response={200: RiskCaseOut, **ERRORS}, summary="Decline (reason)")
def decline_case(request: HttpRequest, case_id: str, payload: RiskDecisionIn) -> dict[str, Any]:
    case = services.case_decide(actor=actor_of(request), case_id=case_id, approve=False, reason=payload.reason)
    return render_case(selectors.case_get(actor_of(request), case.id))


@router.get("/risk/frozen-accounts", response={200: list[RiskFreezeOut], **ERRORS}, summary="Frozen accounts (staff)")
def list_frozen(request: HttpRequest) -> list[dict[str, Any]]:
    return [render_freeze(f) for f in selectors.frozen_accounts(actor_of(request))[:100]]


@router.post(
    "/risk/frozen-accounts/{organization_id}/unfreeze",
    response={200: RiskFreezeOut, **ERRORS},
    summary=f"Unfreeze an account (staff; reason required; re-authentication: password in {HEADER})",
)
def unfreeze(request: HttpRequest, organization_id: str, payload: RiskUnfreezeIn) -> dict[str, Any]:
    actor = actor_of(request)
    services.require_risk_staff(actor)
    require_recent_auth(request, actor.user, via=actor.via)
    return render_freeze(services.account_unfreeze(actor=actor, organization_id=organization_id, reason=payload.reason))


class RiskRuleOut(Schema):
    name: str
    condition: str
    weight: int
    active: bool
    description: str
    updated_by: str
    updated_at: datetime


class RiskRuleIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=80)
    condition: str = Field(..., min_length=1, max_length=500)
    weight: int = Field(..., ge=-1000, le=1000)
    active: bool = True
    reason: str = Field(..., max_length=2000)


def render_rule(rule: RiskRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "condition": rule.condition,
        "weight": rule.weight,
        "active": rule.active,
        "description": rule.description,
        "updated_by": rule.updated_by,
        "updated_at": rule.updated_at,
    }


@router.get("/risk/rules", response={200: list[RiskRuleOut], **ERRORS}, summary="The scoring rules (staff)")
def list_rules(request: HttpRequest) -> list[dict[str, Any]]:
    services.require_risk_staff(actor_of(request))
    return [render_rule(r) for r in RiskRule.objects.order_by("id")]


@router.post(
    "/risk/rules",
    response={200: RiskRuleOut, **ERRORS},
    summary="Create or change a rule by name (staff; the condition is checked; reason logged)",
)
def save_rule(request: HttpRequest, payload: RiskRuleIn) -> dict[str, Any]:
    rule = services.rule_save(
        actor=actor_of(request),
        name=payload.name,
        condition=payload.condition,
        weight=payload.weight,
        active=payload.active,
        reason=payload.reason,
    )
    return render_rule(rule)
