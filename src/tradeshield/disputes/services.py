"""Writes for disputes: opening, negotiating, escalating, arbitration, settlement, appeal.

Every write locks the order row, then the dispute row (always in that order, also in the deadline
sweep), and changes the dispute's status by compare-and-set. Money moves only in `_resolve`, in the
same transaction as the status change out of the open states, through `payouts.execute`, whose
ledger transfer ids are derived from the dispute: a dispute's outcome is executed exactly once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tradeshield.accounts.models import StaffRole, User
from tradeshield.disputes import inspection as ordered_inspection
from tradeshield.disputes import payouts, policy, refusals
from tradeshield.disputes.errors import DisputeForbidden, DisputeInvalid, DisputeNotFound, DisputeStateError
from tradeshield.disputes.models import (
    ARBITRATION_STATUSES,
    OPEN_STATUSES,
    DeadlineKind,
    Dispute,
    DisputeDeadline,
    DisputeStatus,
    Evidence,
    EvidenceRequest,
    Outcome,
    Reason,
    Remedy,
    Settlement,
    Stage,
)
from tradeshield.disputes.selectors import dispute_get, expert_workloads, open_dispute, side_of
from tradeshield.files import services as files
from tradeshield.inspections.models import Inspection
from tradeshield.kit import clock
from tradeshield.kit.workdays import add_working_days
from tradeshield.orders.models import Order
from tradeshield.orders.services import lock_order, record_event, require_party
from tradeshield.orders.states import OrderStatus
from tradeshield.organizations.actors import Actor
from tradeshield.organizations.models import Membership
from tradeshield.risk import services as risk

S = DisputeStatus
PRE_RELEASE_STATUSES = {OrderStatus.DEPOSIT_PAID, OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED}
MAX_TEXT = 5000


# -- helpers ---------------------------------------------------------------------------------------


def _event(dispute: Dispute, order: Order, kind: str, actor: Actor | None, **data: Any) -> None:
    record_event(order, f"dispute.{kind}", actor, dispute_id=dispute.id, dispute_status=dispute.status, **data)


def _save(dispute: Dispute, *fields: str) -> None:
    dispute.updated_at = clock.now()
    dispute.save(update_fields=[*fields, "updated_at"])


def _lock(dispute_id: str) -> tuple[Order, Dispute]:
    """Lock the order, then the dispute (the one order every writer takes them in)."""
    order_id = Dispute.objects.filter(pk=dispute_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise DisputeNotFound(_("No such dispute."))
    order = Order.objects.select_for_update().get(pk=order_id)
    return order, Dispute.objects.select_for_update().get(pk=dispute_id)


def _lock_as(actor: Actor, dispute_id: str) -> tuple[Order, Dispute, str | None]:
    dispute_get(actor, dispute_id)  # 404 unless the actor may see it
    order, dispute = _lock(dispute_id)
    return order, dispute, side_of(actor, dispute)


def _party(actor: Actor, dispute_id: str, *sides: str) -> tuple[Order, Dispute, str]:
    order, dispute, side = _lock_as(actor, dispute_id)
    if side not in sides:
        raise DisputeForbidden(refusals.only_sides(sides), code="wrong_party")
    actor.require("dispute.act")
    return order, dispute, side


def _require_status(dispute: Dispute, statuses: tuple[str, ...] | set[str], code: str, what: str) -> None:
    if dispute.status not in statuses:
        raise DisputeStateError(refusals.cannot(dispute.status, what), code=code)


def _text(value: str, field: str, *, required: bool = True, minimum: int = 1) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise DisputeInvalid(_("Text may not contain NUL characters."), field=field, code="text_invalid")
    if required and len(value) < minimum:
        raise DisputeInvalid(
            ngettext("Write at least %(minimum)s character.", "Write at least %(minimum)s characters.", minimum)
            % {"minimum": minimum}
            if minimum > 1
            else _("This text is required."),
            field=field,
            code="text_required",
        )
    if len(value) > MAX_TEXT:
        raise DisputeInvalid(
            ngettext("At most %(limit)s character.", "At most %(limit)s characters.", MAX_TEXT) % {"limit": MAX_TEXT},
            field=field,
            code="text_too_long",
        )
    return value


def _amount_within(amount: int, dispute_amount: int, field: str, code: str, what: str) -> int:
    if amount < 0:
        raise DisputeInvalid(_("An amount cannot be negative."), field=field, code="amount_negative")
    if amount > dispute_amount:
        raise DisputeInvalid(refusals.exceeds_paid(what, dispute_amount), field=field, code=code)
    return amount


def _requested(remedy: str, amount: int | None, disputed: int) -> int:
    if remedy not in Remedy.values:
        raise DisputeInvalid(_("Unknown remedy."), field="remedy", code="remedy_invalid")
    if remedy == Remedy.PARTIAL_REFUND:
        if amount is None or amount <= 0:
            raise DisputeInvalid(_("A partial refund needs an amount."), field="amount", code="amount_required")
        return _amount_within(amount, disputed, "amount", "amount_exceeds_paid", "The refund asked")
    if remedy == Remedy.REPLACEMENT:
        return 0
    return disputed


def _deadline(dispute: Dispute, kind: str, due_at: datetime, period: str = "1") -> None:
    DisputeDeadline.objects.get_or_create(
        dispute=dispute,
        kind=kind,
        period=period,
        defaults={"due_at": due_at, "test_clock_id": dispute.test_clock_id},
    )


def _close_deadlines(dispute: Dispute, *kinds: str, outcome: str) -> None:
    rows = DisputeDeadline.objects.filter(dispute=dispute, done_at__isnull=True)
    if kinds:
        rows = rows.filter(kind__in=kinds)
    rows.update(done_at=clock.now(), outcome={"closed": outcome})


def _completed_at(order: Order) -> datetime | None:
    return (
        order.events.filter(kind="order.completed").order_by("-created_at").values_list("created_at", flat=True).first()
    )


def _resolve(
    dispute: Dispute,
    order: Order,
    *,
    actor: Actor | None,
    outcome: str,
    buyer_amount: int,
    release_rest: bool,
    status: str = S.RESOLVED,
    **data: Any,
) -> Dispute:
    """Close the dispute (compare-and-set out of an open status) and execute its outcome once."""
    now = clock.now()
    source = dispute.status
    updated = Dispute.objects.filter(pk=dispute.pk, status=source, status__in=OPEN_STATUSES).update(
        status=status, outcome=outcome, resolved_at=now, updated_at=now
    )
    if updated != 1:
        raise DisputeStateError(_("The dispute changed while this request ran; reload it."), code="dispute_changed")
    dispute.status, dispute.outcome, dispute.resolved_at = status, outcome, now
    inspections = ordered_inspection.settle(dispute, order, buyer_amount)
    if inspections:
        data["inspections"] = inspections
    payout = payouts.execute(
        dispute, order, buyer_amount=buyer_amount, release_rest=release_rest, reason=f"dispute {dispute.id}: {outcome}"
    )
    dispute.refunded_amount, dispute.from_guarantee_fund = payout.refunded, payout.from_guarantee_fund
    _save(dispute, "refunded_amount", "from_guarantee_fund")
    _close_deadlines(dispute, outcome=outcome)
    Settlement.objects.filter(dispute=dispute, status=Settlement.Status.PROPOSED).exclude(
        buyer_signed_at__isnull=False, supplier_signed_at__isnull=False
    ).update(status=Settlement.Status.SUPERSEDED)
    _event(
        dispute,
        order,
        "resolved",
        actor,
        outcome=outcome,
        amount=payout.refunded,
        refunded=payout.refunded,
        from_guarantee_fund=payout.from_guarantee_fund,
        currency=dispute.currency,
        **data,
    )
    return dispute


# -- opening ---------------------------------------------------------------------------------------


@risk.screened
@transaction.atomic
def dispute_open(
    *, actor: Actor, order_id: str, reason: str, remedy: str, amount: int | None = None, description: str
) -> Dispute:
    order = lock_order(actor, order_id)
    require_party(actor, order, "buyer", "dispute.act")
    if reason not in Reason.values:
        raise DisputeInvalid(_("Unknown reason."), field="reason", code="reason_invalid")
    description = _text(description, "description")
    now = clock.now()
    if open_dispute(order.id) is not None:
        raise DisputeStateError(_("A dispute is already open on this order."), code="dispute_already_open")
    if order.status in PRE_RELEASE_STATUSES:
        stage, disputed = Stage.PRE_RELEASE, payouts.held_in_escrow(order)
    elif order.status == OrderStatus.COMPLETED:
        completed = _completed_at(order)
        if completed is None or now > completed + policy.POST_SALES_WINDOW:
            days = policy.POST_SALES_WINDOW.days
            raise DisputeStateError(
                ngettext(
                    "Disputes can be opened up to %(days)s day after receipt was confirmed; that window has closed.",
                    "Disputes can be opened up to %(days)s days after receipt was confirmed; that window has closed.",
                    days,
                )
                % {"days": days},
                code="dispute_window_closed",
            )
        # What earlier post-sales disputes refunded is not paid any more.
        earlier = Dispute.objects.filter(order=order, stage=Stage.POST_SALES).aggregate(total=Sum("refunded_amount"))
        stage, disputed = Stage.POST_SALES, payouts.paid_and_released(order) - (earlier["total"] or 0)
    else:
        raise DisputeStateError(
            refusals.order_not_disputable(order.status),
            code="order_not_disputable",
        )
    if disputed <= 0:
        raise DisputeStateError(_("Nothing paid on this order is left to dispute."), code="order_not_disputable")
    requested = _requested(remedy, amount, disputed)
    risk.screen(
        kind="refund_request",
        actor=actor,
        organization_id=order.buyer_id,
        reference=order.id,
        currency=order.currency,
        amount=requested,
    )
    dispute = Dispute(
        order=order,
        buyer_id=order.buyer_id,
        supplier_id=order.supplier_id,
        opened_by=actor.user,
        stage=stage,
        reason=reason,
        remedy=remedy,
        description=description,
        currency=order.currency,
        disputed_amount=disputed,
        requested_amount=requested,
        offer_by="buyer",
        offer_amount=requested,
        offer_remedy=remedy,
        offer_text=description,
        supplier_respond_by=now + policy.SUPPLIER_RESPONSE,
        buyer_may_escalate_at=now + policy.BUYER_MAY_ESCALATE_AFTER,
        auto_escalate_at=now + policy.AUTO_ESCALATE_AFTER,
        test_clock_id=order.test_clock_id,
        created_at=now,
        updated_at=now,
    )
    try:
        with transaction.atomic():
            dispute.save(force_insert=True)
    except IntegrityError:
        raise DisputeStateError(_("A dispute is already open on this order."), code="dispute_already_open") from None
    _deadline(dispute, DeadlineKind.SUPPLIER_RESPONSE, dispute.supplier_respond_by)
    _deadline(dispute, DeadlineKind.AUTO_ESCALATE, dispute.auto_escalate_at)
    _event(
        dispute,
        order,
        "opened",
        actor,
        stage=stage,
        reason=reason,
        remedy=remedy,
        amount=requested,
        currency=order.currency,
        due_at=dispute.supplier_respond_by.isoformat(),
    )
    return dispute


# -- negotiation -----------------------------------------------------------------------------------


def _supplier_responded(dispute: Dispute) -> None:
    if dispute.supplier_responded_at is None:
        dispute.supplier_responded_at = clock.now()
        _close_deadlines(dispute, DeadlineKind.SUPPLIER_RESPONSE, outcome="supplier_responded")


@transaction.atomic
def dispute_counter(*, actor: Actor, dispute_id: str, amount: int, text: str, remedy: str | None = None) -> Dispute:
    """The supplier counters the buyer's request, or the buyer counters the supplier's counter-offer."""
    order, dispute, side = _party(actor, dispute_id, "buyer", "supplier")
    _require_status(dispute, (S.NEGOTIATING,), "dispute_not_negotiating", "take offers")
    if dispute.offer_by == side:
        raise DisputeStateError(_("Wait for the other side's answer to your offer."), code="offer_pending")
    amount = _amount_within(amount, dispute.disputed_amount, "amount", "counter_exceeds_paid", "A counter-offer")
    remedy = remedy or (Remedy.PARTIAL_REFUND if amount < dispute.disputed_amount else Remedy.FULL_REFUND)
    if remedy not in Remedy.values:
        raise DisputeInvalid(_("Unknown remedy."), field="remedy", code="remedy_invalid")
    dispute.offer_by, dispute.offer_amount, dispute.offer_remedy = side, amount, remedy
    dispute.offer_text = _text(text, "text")
    if side == "supplier":
        _supplier_responded(dispute)
    _save(dispute, "offer_by", "offer_amount", "offer_remedy", "offer_text", "supplier_responded_at")
    _event(dispute, order, "countered", actor, side=side, amount=amount, remedy=remedy, currency=dispute.currency)
    return dispute


@transaction.atomic
def dispute_accept(*, actor: Actor, dispute_id: str) -> Dispute:
    """Accept the other side's standing offer: executed at once through the ledger."""
    order, dispute, side = _party(actor, dispute_id, "buyer", "supplier")
    _require_status(dispute, (S.NEGOTIATING,), "dispute_not_negotiating", "take offers")
    if dispute.offer_by == side:
        raise DisputeStateError(_("You cannot accept your own offer."), code="offer_pending")
    if side == "supplier":
        _supplier_responded(dispute)
        _save(dispute, "supplier_responded_at")
    _event(dispute, order, "accepted", actor, side=side, amount=dispute.offer_amount, remedy=dispute.offer_remedy)
    return _resolve(
        dispute,
        order,
        actor=actor,
        outcome=Outcome.AGREED,
        buyer_amount=dispute.offer_amount,
        release_rest=False,
        remedy=dispute.offer_remedy,
    )


@transaction.atomic
def dispute_reject(*, actor: Actor, dispute_id: str, text: str) -> Dispute:
    """The supplier rejects the request; it must have put its evidence on the case first."""
    order, dispute, _side = _party(actor, dispute_id, "supplier")
    _require_status(dispute, (S.NEGOTIATING,), "dispute_not_negotiating", "be rejected")
    text = _text(text, "text")
    if not dispute.evidence.filter(side="supplier").exists():
        raise DisputeInvalid(
            _("Upload your evidence (photos, documents) before rejecting the request."),
            field="evidence",
            code="evidence_required",
        )
    _supplier_responded(dispute)
    dispute.offer_by, dispute.offer_amount, dispute.offer_text = "supplier", 0, text
    _save(dispute, "supplier_responded_at", "offer_by", "offer_amount", "offer_text")
    _event(dispute, order, "rejected", actor, text=text[:500])
    return dispute


@transaction.atomic
def dispute_edit(
    *,
    actor: Actor,
    dispute_id: str,
    reason: str | None = None,
    remedy: str | None = None,
    amount: int | None = None,
    description: str | None = None,
) -> Dispute:
    """The buyer changes the request while negotiating (the supplier's deadline does not move)."""
    order, dispute, _side = _party(actor, dispute_id, "buyer")
    _require_status(dispute, (S.NEGOTIATING,), "dispute_not_negotiating", "be edited")
    if reason is not None:
        if reason not in Reason.values:
            raise DisputeInvalid(_("Unknown reason."), field="reason", code="reason_invalid")
        dispute.reason = reason
    if description is not None:
        dispute.description = _text(description, "description")
    remedy = remedy or dispute.remedy
    dispute.requested_amount = _requested(
        remedy, amount if amount is not None else dispute.requested_amount, dispute.disputed_amount
    )
    dispute.remedy = remedy
    dispute.offer_by, dispute.offer_amount, dispute.offer_remedy = "buyer", dispute.requested_amount, remedy
    dispute.offer_text = dispute.description
    _save(
        dispute,
        "reason",
        "description",
        "remedy",
        "requested_amount",
        "offer_by",
        "offer_amount",
        "offer_remedy",
        "offer_text",
    )
    _event(dispute, order, "edited", actor, reason=dispute.reason, remedy=remedy, amount=dispute.requested_amount)
    return dispute


@transaction.atomic
def dispute_withdraw(*, actor: Actor, dispute_id: str) -> Dispute:
    order, dispute, _side = _party(actor, dispute_id, "buyer")
    _require_status(dispute, (S.NEGOTIATING, S.ESCALATED), "dispute_not_withdrawable", "be withdrawn")
    return _resolve(
        dispute, order, actor=actor, outcome=Outcome.WITHDRAWN, buyer_amount=0, release_rest=False, status=S.WITHDRAWN
    )


# -- escalation and assignment ---------------------------------------------------------------------


def _languages(dispute: Dispute) -> list[str]:
    """The buyer's language first (the opener's), then the supplier's members'."""
    langs: list[str] = []
    if dispute.opened_by is not None:
        langs.append(dispute.opened_by.preferred_language)
    for org_id in (dispute.buyer_id, dispute.supplier_id):
        for lang in Membership.objects.filter(organization_id=org_id).values_list(
            "user__preferred_language", flat=True
        ):
            if lang not in langs:
                langs.append(lang)
    return langs


def choose_expert(dispute: Dispute, exclude: set[str] | None = None) -> User | None:
    """An active trade expert who speaks a party's language (the buyer's first), with the fewest
    cases in arbitration; anyone with the fewest cases if nobody speaks one."""
    candidates = expert_workloads(exclude)
    if not candidates:
        return None
    for lang in _languages(dispute):
        speakers = [expert for expert, _ in candidates if expert.preferred_language == lang]
        if speakers:
            return speakers[0]
    return candidates[0][0]


def _assign(dispute: Dispute, order: Order) -> bool:
    exclude = {dispute.first_expert_id} if dispute.first_expert_id else set()
    expert = choose_expert(dispute, exclude)
    if expert is None:
        return False
    dispute.expert, dispute.assigned_at = expert, clock.now()
    _save(dispute, "expert", "assigned_at")
    _close_deadlines(dispute, DeadlineKind.ASSIGN, outcome="assigned")
    _event(dispute, order, "assigned", None, expert=expert.full_name or expert.email, appeal=bool(dispute.appealed_at))
    return True


def _start_arbitration(dispute: Dispute, order: Order, round_: str) -> None:
    now = clock.now()
    dispute.assign_by = datetime.combine(add_working_days(now.date(), policy.ASSIGN_WORKING_DAYS), now.timetz())
    _save(dispute, "assign_by")
    if not _assign(dispute, order):
        _deadline(dispute, DeadlineKind.ASSIGN, now + policy.ASSIGN_RETRY, period=round_)


def escalate(dispute: Dispute, order: Order, actor: Actor | None) -> Dispute:
    now = clock.now()
    updated = Dispute.objects.filter(pk=dispute.pk, status=S.NEGOTIATING).update(
        status=S.ESCALATED, escalated_at=now, updated_at=now
    )
    if updated != 1:
        raise DisputeStateError(_("The dispute changed while this request ran; reload it."), code="dispute_changed")
    dispute.status, dispute.escalated_at = S.ESCALATED, now
    _close_deadlines(dispute, DeadlineKind.SUPPLIER_RESPONSE, DeadlineKind.AUTO_ESCALATE, outcome="escalated")
    _event(dispute, order, "escalated", actor, automatic=actor is None)
    _start_arbitration(dispute, order, "1")
    return dispute


@transaction.atomic
def dispute_escalate(*, actor: Actor, dispute_id: str) -> Dispute:
    order, dispute, _side = _party(actor, dispute_id, "buyer")
    _require_status(dispute, (S.NEGOTIATING,), "dispute_not_negotiating", "be escalated")
    if clock.now() < dispute.buyer_may_escalate_at:
        raise DisputeStateError(
            _("The supplier has 3 days to respond; you can escalate from %(moment)s UTC.")
            % {"moment": f"{dispute.buyer_may_escalate_at:%Y-%m-%d %H:%M}"},
            code="escalation_too_early",
        )
    return escalate(dispute, order, actor)


# -- evidence ----------------------------------------------------------------------------------------


@transaction.atomic
def evidence_add(*, actor: Actor, dispute_id: str, data: bytes, name: str, note: str = "") -> Evidence:
    order, dispute, side = _party(actor, dispute_id, "buyer", "supplier")
    _require_status(dispute, OPEN_STATUSES, "dispute_closed", "take evidence")
    assert actor.organization is not None
    stored = files.file_store(
        data=data,
        name=name.replace("\x00", ""),
        purpose=policy.EVIDENCE_PURPOSE,
        organization=actor.organization,
        uploaded_by=actor.user,
        allowed_types=policy.EVIDENCE_TYPES,
    )
    evidence = Evidence.objects.create(
        dispute=dispute, side=side, file=stored, note=_text(note, "note", required=False)[:500], uploaded_by=actor.user
    )
    fulfilled = EvidenceRequest.objects.filter(dispute=dispute, side=side, status=EvidenceRequest.Status.OPEN).update(
        status=EvidenceRequest.Status.FULFILLED, closed_at=clock.now()
    )
    _event(
        dispute,
        order,
        "evidence_added",
        actor,
        side=side,
        evidence_id=evidence.id,
        name=stored.name,
        sha256=stored.sha256,
        fulfilled_requests=fulfilled,
    )
    return evidence


def _expert_case(actor: Actor, dispute_id: str) -> tuple[Order, Dispute]:
    """Lock a case for its assigned expert. Another expert is told it is not theirs (403)."""
    if actor.staff_role != StaffRole.TRADE_EXPERT or actor.user is None:
        dispute_get(actor, dispute_id)  # 404 for strangers
        raise DisputeForbidden(_("Only the trade expert assigned to this case can do this."), code="not_trade_expert")
    order, dispute = _lock(dispute_id)
    if dispute.expert_id != actor.user.id:
        raise DisputeForbidden(_("This case is not assigned to you."), code="dispute_not_assigned")
    return order, dispute


@transaction.atomic
def evidence_request(*, actor: Actor, dispute_id: str, side: str, text: str, due_days: int) -> EvidenceRequest:
    order, dispute = _expert_case(actor, dispute_id)
    _require_status(dispute, ARBITRATION_STATUSES, "dispute_not_in_arbitration", "take evidence requests")
    if side not in ("buyer", "supplier"):
        raise DisputeInvalid(_("Ask the buyer or the supplier."), field="side", code="side_invalid")
    if not 1 <= due_days <= policy.EVIDENCE_DAYS_MAX:
        raise DisputeInvalid(
            _("Give 1 to %(maximum)s days.") % {"maximum": policy.EVIDENCE_DAYS_MAX},
            field="due_days",
            code="due_days_invalid",
        )
    request = EvidenceRequest.objects.create(
        dispute=dispute,
        side=side,
        text=_text(text, "text"),
        due_at=clock.now() + timedelta(days=due_days),
        requested_by=actor.user,
    )
    _deadline(dispute, DeadlineKind.EVIDENCE, request.due_at, period=request.id)
    _event(
        dispute,
        order,
        "evidence_requested",
        actor,
        side=side,
        due_at=request.due_at.isoformat(),
        request_id=request.id,
        text=request.text[:500],
    )
    return request


@transaction.atomic
def inspection_order(
    *, actor: Actor, dispute_id: str, agency_id: str, scope: str, site_address: str = ""
) -> Inspection:
    """The assigned expert orders a third-party inspection; the buyer prepays it by a deadline."""
    order, dispute = _expert_case(actor, dispute_id)
    _require_status(dispute, ARBITRATION_STATUSES, "dispute_not_in_arbitration", "order an inspection")
    scope = _text(scope, "scope")
    inspection = ordered_inspection.create(
        dispute, order, agency_id=agency_id, scope=scope, site_address=site_address, user=actor.user
    )
    due_at = clock.now() + ordered_inspection.pay_by()
    _deadline(dispute, DeadlineKind.INSPECTION_FEE, due_at, period=inspection.id)
    _event(
        dispute,
        order,
        "inspection_ordered",
        actor,
        inspection_id=inspection.id,
        agency_id=inspection.agency_id,
        fee={"amount": inspection.fee_amount, "currency": inspection.currency},
        pay_by=due_at.isoformat(),
        scope=scope[:500],
    )
    return inspection


# -- settlement --------------------------------------------------------------------------------------


@transaction.atomic
def settlement_propose(*, actor: Actor, dispute_id: str, buyer_amount: int, text: str = "") -> Settlement:
    order, dispute, side = _party(actor, dispute_id, "buyer", "supplier")
    _require_status(dispute, ARBITRATION_STATUSES, "dispute_not_in_arbitration", "be settled")
    buyer_amount = _amount_within(
        buyer_amount, dispute.disputed_amount, "buyer_amount", "split_exceeds_disputed_amount", "The buyer's share"
    )
    Settlement.objects.filter(dispute=dispute, status=Settlement.Status.PROPOSED).update(
        status=Settlement.Status.SUPERSEDED
    )
    now = clock.now()
    settlement = Settlement.objects.create(
        dispute=dispute,
        buyer_amount=buyer_amount,
        supplier_amount=dispute.disputed_amount - buyer_amount,
        text=_text(text, "text", required=False),
        proposed_by=side,
        buyer_signed_at=now if side == "buyer" else None,
        supplier_signed_at=now if side == "supplier" else None,
    )
    _event(
        dispute,
        order,
        "settlement_proposed",
        actor,
        amount=buyer_amount,
        side=side,
        settlement_id=settlement.id,
        buyer_amount=buyer_amount,
        supplier_amount=settlement.supplier_amount,
    )
    return settlement


@transaction.atomic
def settlement_sign(*, actor: Actor, dispute_id: str) -> Dispute:
    """The other party signs the proposed settlement: the case stops and the split is executed."""
    order, dispute, side = _party(actor, dispute_id, "buyer", "supplier")
    _require_status(dispute, ARBITRATION_STATUSES, "dispute_not_in_arbitration", "be settled")
    settlement = (
        Settlement.objects.select_for_update().filter(dispute=dispute, status=Settlement.Status.PROPOSED).first()
    )
    if settlement is None:
        raise DisputeStateError(_("No settlement is proposed on this dispute."), code="no_settlement")
    field = f"{side}_signed_at"
    if getattr(settlement, field) is not None:
        raise DisputeStateError(_("You have signed; the other party has not yet."), code="settlement_awaiting_other")
    setattr(settlement, field, clock.now())
    settlement.status = Settlement.Status.SIGNED
    settlement.save(update_fields=[field, "status"])
    return _resolve(
        dispute,
        order,
        actor=actor,
        outcome=Outcome.SETTLED,
        buyer_amount=settlement.buyer_amount,
        release_rest=True,
        settlement_id=settlement.id,
    )


# -- decision and appeal -----------------------------------------------------------------------------


def _check_split(dispute: Dispute, buyer_amount: int, supplier_amount: int) -> None:
    if buyer_amount < 0 or supplier_amount < 0:
        raise DisputeInvalid(_("Shares cannot be negative."), field="buyer_amount", code="amount_negative")
    total = buyer_amount + supplier_amount
    if total > dispute.disputed_amount:
        raise DisputeInvalid(
            _("The split (%(total)s) exceeds the disputed amount (%(disputed)s minor units).")
            % {"total": total, "disputed": dispute.disputed_amount},
            field="buyer_amount",
            code="split_exceeds_disputed_amount",
        )
    if total < dispute.disputed_amount:
        raise DisputeInvalid(
            _("The split (%(total)s) must add up to the disputed amount (%(disputed)s minor units).")
            % {"total": total, "disputed": dispute.disputed_amount},
            field="supplier_amount",
            code="split_incomplete",
        )


@transaction.atomic
def dispute_decide(*, actor: Actor, dispute_id: str, buyer_amount: int, supplier_amount: int, reasons: str) -> Dispute:
    """The assigned expert decides. A first decision opens the appeal window (the money moves when
    it closes unappealed); a decision on appeal is final and executed at once."""
    order, dispute = _expert_case(actor, dispute_id)
    _require_status(dispute, ARBITRATION_STATUSES, "dispute_not_in_arbitration", "be decided")
    _check_split(dispute, buyer_amount, supplier_amount)
    reasons = _text(reasons, "reasons", minimum=policy.MIN_REASONS)
    now = clock.now()
    final = dispute.status == S.APPEALED
    target = dispute.status if final else S.DECIDED
    updated = Dispute.objects.filter(pk=dispute.pk, status=dispute.status, decided_at=dispute.decided_at).update(
        status=target,
        decision_buyer_amount=buyer_amount,
        decision_supplier_amount=supplier_amount,
        decision_reasons=reasons,
        decided_by=actor.user,
        decided_at=now,
        appeal_by=None if final else now + policy.APPEAL_WINDOW,
        updated_at=now,
    )
    if updated != 1:
        raise DisputeStateError(_("The case changed while this request ran; reload it."), code="dispute_changed")
    dispute.refresh_from_db()
    _event(
        dispute,
        order,
        "decided",
        actor,
        amount=buyer_amount,
        buyer_amount=buyer_amount,
        supplier_amount=supplier_amount,
        currency=dispute.currency,
        final=final,
        appeal_by=dispute.appeal_by.isoformat() if dispute.appeal_by else None,
        reasons=reasons[:1000],
    )
    if final:
        return _resolve(
            dispute, order, actor=actor, outcome=Outcome.DECIDED, buyer_amount=buyer_amount, release_rest=True
        )
    assert dispute.appeal_by is not None
    _deadline(dispute, DeadlineKind.APPEAL_WINDOW, dispute.appeal_by)
    return dispute


@transaction.atomic
def dispute_appeal(*, actor: Actor, dispute_id: str, reasons: str) -> Dispute:
    """One appeal, by either party, within the window; a different expert takes the case."""
    order, dispute, side = _party(actor, dispute_id, "buyer", "supplier")
    _require_status(dispute, (S.DECIDED,), "dispute_not_appealable", "be appealed")
    if dispute.appealed_at is not None:
        raise DisputeStateError(_("This case has been appealed once already."), code="already_appealed")
    assert dispute.appeal_by is not None
    if clock.now() > dispute.appeal_by:
        raise DisputeStateError(_("The appeal window has closed."), code="appeal_window_closed")
    reasons = _text(reasons, "reasons", minimum=policy.MIN_REASONS)
    now = clock.now()
    updated = Dispute.objects.filter(pk=dispute.pk, status=S.DECIDED, appealed_at__isnull=True).update(
        status=S.APPEALED,
        appealed_at=now,
        appeal_reasons=reasons,
        appealed_by_side=side,
        first_expert=dispute.expert,
        expert=None,
        assigned_at=None,
        updated_at=now,
    )
    if updated != 1:
        raise DisputeStateError(_("The case changed while this request ran; reload it."), code="dispute_changed")
    dispute.refresh_from_db()
    _close_deadlines(dispute, DeadlineKind.APPEAL_WINDOW, outcome="appealed")
    _event(dispute, order, "appealed", actor, side=side, reasons=reasons[:1000])
    _start_arbitration(dispute, order, "appeal")
    return dispute
