"""Changing confirmed terms: one side proposes, the other accepts; then the terms hash is renewed.

Only terms that move no money can be amended (dates, Incoterm, place, inspection, notes,
specifications). A change of price or quantity is a new order: cancel and re-issue.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tradeshield.kit import clock
from tradeshield.kit.workdays import subtract_working_days
from tradeshield.orders import states
from tradeshield.orders.errors import AmendmentNotFound, OrderInvalid, OrderStateError, TermsChanged, WrongParty
from tradeshield.orders.models import Amendment, Incoterm, Order
from tradeshield.orders.services import _party, lock_order, record_event
from tradeshield.orders.terms import terms_hash
from tradeshield.organizations.actors import Actor

AMENDABLE_FIELDS = {
    "ship_by_date",
    "lead_time_days",
    "incoterm",
    "named_place",
    "inspection_required",
    "notes",
    "line_specifications",
}
INSPECTION_NOTICE_WORKING_DAYS = 7


def _check_changes(order: Order, changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - AMENDABLE_FIELDS
    if unknown or not changes:
        raise OrderInvalid(
            _("These terms can be amended: %(fields)s.") % {"fields": ", ".join(sorted(AMENDABLE_FIELDS))},
            field="changes",
            code="amendment_invalid",
        )
    clean = dict(changes)
    if "incoterm" in clean and clean["incoterm"] not in Incoterm.values:
        raise OrderInvalid(_("Unknown Incoterm 2020 rule."), field="changes.incoterm", code="amendment_invalid")
    if "ship_by_date" in clean:
        try:
            when = date.fromisoformat(str(clean["ship_by_date"]))
        except ValueError:
            raise OrderInvalid(
                _("Dates are YYYY-MM-DD."), field="changes.ship_by_date", code="amendment_invalid"
            ) from None
        if when < clock.today():
            raise OrderInvalid(
                _("The ship-by date is in the past."), field="changes.ship_by_date", code="amendment_invalid"
            )
        clean["ship_by_date"] = when.isoformat()
        clean.setdefault("lead_time_days", None)
    if "inspection_required" in clean:
        if not isinstance(clean["inspection_required"], bool):
            raise OrderInvalid(
                _("inspection_required is true or false."),
                field="changes.inspection_required",
                code="amendment_invalid",
            )
        if clean["inspection_required"] and not order.inspection_required:
            _check_inspection_notice(order, clean)
    specs = clean.get("line_specifications", {})
    if not isinstance(specs, dict) or any(not str(k).isdigit() for k in specs):
        raise OrderInvalid(
            _("line_specifications maps line positions to new specification text."),
            field="changes.line_specifications",
            code="amendment_invalid",
        )
    positions = set(order.lines.values_list("position", flat=True))
    if any(int(k) not in positions for k in specs):
        raise OrderInvalid(
            _("No line at that position."), field="changes.line_specifications", code="amendment_invalid"
        )
    return clean


def _check_inspection_notice(order: Order, changes: dict[str, Any]) -> None:
    """An inspection added after confirmation needs enough working days before the ship date."""
    ship_date = date.fromisoformat(changes["ship_by_date"]) if "ship_by_date" in changes else order.ship_deadline
    ship_date = ship_date or order.ship_by_date
    if ship_date is None:  # a lead-time order not yet paid: its ship date is still open
        return
    latest = subtract_working_days(ship_date, INSPECTION_NOTICE_WORKING_DAYS)
    if clock.today() > latest:
        raise OrderInvalid(
            ngettext(
                "An inspection must be added at least %(days)s working day before the ship date %(ship_date)s; "
                "it could have been requested by %(latest)s.",
                "An inspection must be added at least %(days)s working days before the ship date %(ship_date)s; "
                "it could have been requested by %(latest)s.",
                INSPECTION_NOTICE_WORKING_DAYS,
            )
            % {
                "days": INSPECTION_NOTICE_WORKING_DAYS,
                "ship_date": ship_date.isoformat(),
                "latest": latest.isoformat(),
            },
            field="changes.inspection_required",
            code="inspection_too_late",
        )


@transaction.atomic
def amendment_propose(*, actor: Actor, order_id: str, changes: dict[str, Any], reason: str) -> Amendment:
    order = lock_order(actor, order_id)
    _party(actor, order)
    actor.require("order.write")
    if order.status not in states.AMENDABLE:
        raise OrderStateError(
            _("An order that is %(status)s cannot be amended.") % {"status": order.status}, code="order_not_amendable"
        )
    if order.amendments.filter(status=Amendment.Status.PROPOSED).exists():
        raise OrderStateError(_("An amendment is already waiting for an answer."), code="amendment_pending")
    amendment = Amendment.objects.create(
        order=order,
        proposed_by_id=order.buyer_id if actor.org_id == order.buyer_id else order.supplier_id,
        changes=_check_changes(order, changes),
        reason=reason,
        base_terms_hash=order.terms_hash,
    )
    record_event(order, "amendment.proposed", actor, amendment_id=amendment.id, changes=amendment.changes)
    return amendment


def _lock_amendment(actor: Actor, amendment_id: str) -> tuple[Order, Amendment]:
    amendment = Amendment.objects.filter(pk=amendment_id).first()
    if amendment is None:
        raise AmendmentNotFound(_("No such amendment."))
    order = lock_order(actor, amendment.order_id)
    amendment = Amendment.objects.select_for_update().get(pk=amendment_id)
    if amendment.status != Amendment.Status.PROPOSED:
        raise OrderStateError(
            _("This amendment is already %(status)s.") % {"status": amendment.status}, code="amendment_closed"
        )
    return order, amendment


@transaction.atomic
def amendment_decide(*, actor: Actor, amendment_id: str, accept: bool) -> Amendment:
    order, amendment = _lock_amendment(actor, amendment_id)
    if amendment.proposed_by_id == actor.org_id:
        raise WrongParty(_("The other side must answer this amendment."))
    actor.require("order.confirm")
    now = clock.now()
    if accept:
        if order.terms_hash != amendment.base_terms_hash or order.status not in states.AMENDABLE:
            raise TermsChanged(_("The order changed since this amendment was proposed."))
        if amendment.changes.get("inspection_required") and not order.inspection_required:
            _check_inspection_notice(order, amendment.changes)
        _apply(order, amendment.changes)
        order.terms_version += 1
        order.terms_hash = terms_hash(order)
        order.updated_at = now
        order.save()
    amendment.status = Amendment.Status.ACCEPTED if accept else Amendment.Status.REJECTED
    amendment.decided_at = now
    amendment.save(update_fields=["status", "decided_at"])
    record_event(
        order,
        f"amendment.{amendment.status}",
        actor,
        amendment_id=amendment.id,
        terms_hash=order.terms_hash,
        terms_version=order.terms_version,
    )
    return amendment


@transaction.atomic
def amendment_withdraw(*, actor: Actor, amendment_id: str) -> Amendment:
    order, amendment = _lock_amendment(actor, amendment_id)
    if amendment.proposed_by_id != actor.org_id:
        raise WrongParty(_("Only the side that proposed an amendment can withdraw it."))
    amendment.status, amendment.decided_at = Amendment.Status.WITHDRAWN, clock.now()
    amendment.save(update_fields=["status", "decided_at"])
    record_event(order, "amendment.withdrawn", actor, amendment_id=amendment.id)
    return amendment


def _apply(order: Order, changes: dict[str, Any]) -> None:
    for field in ("incoterm", "named_place", "inspection_required", "notes", "lead_time_days"):
        if field in changes:
            setattr(order, field, changes[field])
    if "ship_by_date" in changes:
        order.ship_by_date = date.fromisoformat(changes["ship_by_date"])
    if order.ship_by_date is not None and "lead_time_days" in changes and changes["lead_time_days"] is not None:
        order.ship_by_date = None
    if order.ship_by_date is not None:
        order.ship_deadline = order.ship_by_date
    elif order.lead_time_days is not None:
        first_paid = (
            order.milestones.exclude(paid_at=None).order_by("paid_at").values_list("paid_at", flat=True).first()
        )
        order.ship_deadline = first_paid.date() + timedelta(days=order.lead_time_days) if first_paid else None
    for position, text in changes.get("line_specifications", {}).items():
        order.lines.filter(position=int(position)).update(specifications=str(text))
