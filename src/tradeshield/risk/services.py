"""Screening actions before they proceed, and the staff decisions on what was held.

Use: decorate the service with `@screened` *outside* its `@transaction.atomic`, and call `screen(...)`
inside it before anything is written. An allowed action's assessment is written in the action's own
transaction. A refusal raises a `RiskRefused`; the action's transaction rolls back (nothing of it is
written, no money moves), then `screened` writes the assessment, the case and any freeze in a
transaction of their own and queues the user's warning, and re-raises. Called from inside a caller's
transaction (a savepoint), the records join the caller's transaction instead.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from tradeshield.kit import clock, jobs
from tradeshield.organizations.actors import Actor
from tradeshield.risk import context, expr
from tradeshield.risk.errors import (
    AccountFrozen,
    ReviewPending,
    RiskCaseNotFound,
    RiskForbidden,
    RiskInvalid,
    RiskRefused,
    RiskStateError,
    TransactionSuspended,
)
from tradeshield.risk.models import (
    AccountFreeze,
    Assessment,
    CaseStatus,
    Decision,
    Outcome,
    RiskCase,
    RiskRule,
)
from tradeshield.risk.signals import NAMES, Facts, as_json, compute

P = ParamSpec("P")
R = TypeVar("R")
RELAY_TASK = "notifications.relay_risk_case"
STAFF_ROLES = {"admin", "support_agent"}
# A decided case's status inside a sentence ("This case is approved, …").
CASE_STATUS_WORDS: dict[str, Promise] = {
    CaseStatus.APPROVED: pgettext_lazy("risk case status in a sentence", "approved"),
    CaseStatus.DECLINED: pgettext_lazy("risk case status in a sentence", "declined"),
    CaseStatus.CLOSED: pgettext_lazy("risk case status in a sentence", "closed"),
}

_compiled: dict[str, expr.Node] = {}


def card_fingerprint(number: str) -> str:
    """A keyed hash of the card number: the same card gives the same value, and it cannot be reversed
    to the number (HMAC under a key derived from SECRET_KEY)."""
    digits = "".join(ch for ch in str(number) if ch.isdigit())
    if not digits:
        return ""
    key = hashlib.sha256(("risk-card-fingerprint:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()[:32]


def token_fingerprint(reference: str) -> str:
    """The fingerprint of a card known only by a saved-method id or provider token."""
    if not reference:
        return ""
    key = hashlib.sha256(("risk-card-fingerprint:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, ("ref:" + reference).encode(), hashlib.sha256).hexdigest()[:32]


def _condition(text: str) -> expr.Node:
    node = _compiled.get(text)
    if node is None:
        node = expr.compile_condition(text, NAMES)
        if len(_compiled) > 1000:
            _compiled.clear()
        _compiled[text] = node
    return node


def score(rules: list[tuple[str, str, int]], values: dict[str, Any]) -> tuple[int, list[str]]:
    total, matched = 0, []
    for name, condition, weight in rules:
        try:
            hit = expr.evaluate(_condition(condition), values)
        except expr.ExpressionInvalid:
            continue  # a rule saved before a signal was renamed: skipped, not fatal
        if hit:
            total += weight
            matched.append(name)
    return max(total, 0), matched


def outcome_for(total: int, thresholds: tuple[int, int, int]) -> str:
    review, suspend, freeze = thresholds
    if total >= freeze:
        return Outcome.FREEZE
    if total >= suspend:
        return Outcome.SUSPEND
    if total >= review:
        return Outcome.REVIEW
    return Outcome.ALLOW


def screen(
    *,
    kind: str,
    actor: Actor | None,
    organization_id: str,
    reference: str = "",
    currency: str = "",
    amount: int = 0,
    card_fingerprint: str = "",
    card_country: str = "",
) -> Assessment:
    """Score an action before it proceeds. Returns the (written) assessment when allowed; raises
    ReviewPending (409), TransactionSuspended (403) or AccountFrozen (403) otherwise."""
    request = context.current()
    user_id = actor.user.id if actor is not None and actor.user is not None else ""
    facts = Facts(
        kind=kind,
        organization_id=organization_id,
        user_id=user_id,
        currency=currency,
        amount=amount,
        card_fingerprint=card_fingerprint,
        card_country=card_country,
        ip=request.ip,
        ip_country=request.ip_country,
        device=request.device,
        reference=reference[:120],
    )
    now = clock.now()
    snap = compute(facts, now)
    total, matched = score(snap.rules, snap.values)
    outcome = outcome_for(total, snap.thresholds)
    assessment = Assessment(
        kind=kind,
        organization_id=organization_id,
        user_id=user_id,
        reference=facts.reference,
        currency=currency,
        amount=amount,
        card_fingerprint=card_fingerprint,
        ip=request.ip[:45],
        ip_country=request.ip_country,
        device=request.device,
        score=total,
        outcome=outcome,
        signals=as_json(snap.values),
        matched=matched,
        created_at=now,
    )
    if snap.frozen:
        assessment.outcome, assessment.matched = Outcome.FREEZE, [*matched, "account_frozen"]
        raise AccountFrozen(
            _("This account is frozen by risk monitoring; contact support to have it reviewed."), records=[assessment]
        )
    if outcome == Outcome.REVIEW and snap.approved_case_id:
        RiskCase.objects.filter(pk=snap.approved_case_id, used_at__isnull=True).update(used_at=now)
        assessment.outcome, assessment.matched = Outcome.ALLOW, [*matched, f"approved:{snap.approved_case_id}"]
        outcome = Outcome.ALLOW
    if outcome == Outcome.ALLOW:
        assessment.save(force_insert=True)
        return assessment
    if outcome == Outcome.REVIEW and snap.pending_case_id:
        raise ReviewPending(
            _("This action is already waiting for a risk review; you will be able to repeat it once it is approved."),
            records=[assessment],
        )
    case = RiskCase(
        assessment=assessment,
        kind=kind,
        organization_id=organization_id,
        user_id=user_id,
        reference=facts.reference,
        currency=currency,
        amount=amount,
        outcome=outcome,
        status=CaseStatus.PENDING if outcome == Outcome.REVIEW else CaseStatus.CLOSED,
        created_at=now,
    )
    if outcome == Outcome.REVIEW:
        raise ReviewPending(
            _("This action is held for a risk review by our team; repeat it once it is approved."),
            records=[assessment, case],
            case=case,
        )
    if outcome == Outcome.SUSPEND:
        raise TransactionSuspended(
            _("This transaction was suspended by risk monitoring; nothing was charged or moved."),
            records=[assessment, case],
            case=case,
        )
    freeze = AccountFreeze(organization_id=organization_id, case=case, reason=", ".join(matched), frozen_at=now)
    raise AccountFrozen(
        _("This account was frozen by risk monitoring; contact support to have it reviewed."),
        records=[assessment, case, freeze],
        case=case,
    )


def _persist(refusal: RiskRefused) -> None:
    with transaction.atomic():
        for record in refusal.records:
            if isinstance(record, AccountFreeze):
                try:
                    with transaction.atomic():
                        record.save(force_insert=True)
                except IntegrityError:
                    pass  # frozen already by a concurrent refusal
            else:
                record.save(force_insert=True)
        if refusal.case is not None:
            jobs.defer(RELAY_TASK, queue="notifications", case_id=refusal.case.id)


def screened(fn: Callable[P, R]) -> Callable[P, R]:
    """Persist a risk refusal raised by `fn` after `fn`'s own transaction rolled back."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except RiskRefused as refusal:
            if refusal.records and refusal.records[0]._state.adding:
                _persist(refusal)
                for record in refusal.records:
                    record._state.adding = False
            raise

    return wrapper


# --- staff ------------------------------------------------------------------------------------------


def require_risk_staff(actor: Actor) -> None:
    if actor.staff_role not in STAFF_ROLES:
        raise RiskForbidden(_("Only platform risk staff (admins and support agents) may do this."))


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if len(text) < 3:
        raise RiskInvalid(_("Give a reason (at least 3 characters)."), field="reason", code="reason_required")
    return text[:2000]


def _log(actor: Actor, action: str, reason: str, case: RiskCase | None, organization_id: str, **detail: Any) -> None:
    assert actor.user is not None
    Decision.objects.create(
        action=action,
        case=case,
        organization_id=organization_id,
        staff_user_id=actor.user.id,
        staff_email=actor.user.email,
        reason=reason,
        detail=detail,
        created_at=clock.now(),
    )


@transaction.atomic
def case_decide(*, actor: Actor, case_id: str, approve: bool, reason: str = "") -> RiskCase:
    """Approve (the same action goes through once when repeated) or decline a pending review."""
    require_risk_staff(actor)
    case = RiskCase.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise RiskCaseNotFound(_("No such risk case."))
    text = (reason or "").strip()[:2000] if approve else _reason(reason)
    updated = RiskCase.objects.filter(pk=case.pk, status=CaseStatus.PENDING).update(
        status=CaseStatus.APPROVED if approve else CaseStatus.DECLINED,
        decided_by=actor.user.email if actor.user else "",
        decided_at=clock.now(),
        reason=text,
    )
    if updated != 1:
        raise RiskStateError(
            _("This case is %(status)s, not waiting for a review.")
            % {"status": CASE_STATUS_WORDS.get(case.status, case.status)}
        )
    case.refresh_from_db()
    _log(actor, "approve" if approve else "decline", text, case, case.organization_id)
    return case


@transaction.atomic
def account_unfreeze(*, actor: Actor, organization_id: str, reason: str) -> AccountFreeze:
    """Lift an organization's freeze. The caller has checked re-authentication (security.reauth)."""
    require_risk_staff(actor)
    text = _reason(reason)
    freeze = (
        AccountFreeze.objects.select_for_update()
        .filter(organization_id=organization_id, unfrozen_at__isnull=True)
        .first()
    )
    if freeze is None:
        raise RiskStateError(_("This account is not frozen."), code="account_not_frozen")
    freeze.unfrozen_at = clock.now()
    freeze.unfrozen_by = actor.user.email if actor.user else ""
    freeze.unfreeze_reason = text
    freeze.save(update_fields=["unfrozen_at", "unfrozen_by", "unfreeze_reason"])
    _log(actor, "unfreeze", text, freeze.case, organization_id, freeze_id=freeze.pk)
    return freeze


def rule_check(condition: str) -> None:
    """Refuse (422) a condition that does not parse or names an unknown signal."""
    expr.compile_condition(condition, NAMES)


@transaction.atomic
def rule_save(*, actor: Actor, name: str, condition: str, weight: int, active: bool = True, reason: str) -> RiskRule:
    """Create or change a rule (staff); the change is logged with its reason."""
    require_risk_staff(actor)
    text = _reason(reason)
    rule_check(condition)
    if not name.strip() or len(name) > 80:
        raise RiskInvalid(_("A rule needs a name of at most 80 characters."), field="name")
    if not -1000 <= weight <= 1000:
        raise RiskInvalid(_("The weight must be between -1000 and 1000."), field="weight")
    rule, _created = RiskRule.objects.update_or_create(
        name=name.strip(),
        defaults={
            "condition": condition,
            "weight": weight,
            "active": active,
            "updated_by": actor.user.email if actor.user else "",
            "updated_at": clock.now(),
        },
    )
    _log(actor, "rule", text, None, "", rule=rule.name, condition=condition, weight=weight, active=active)
    return rule
