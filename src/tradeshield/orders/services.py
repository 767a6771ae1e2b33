"""Writes for orders: drafting, confirming, the life cycle and its transitions.

Payments, refunds and amendments live in `paying.py` and `amendments.py`; all of them change
status only through `transition`, a compare-and-set that records an `OrderEvent`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tradeshield.kit import clock, jobs
from tradeshield.kit.money import MAX_AMOUNT, check_amount, check_currency, round_minor, split_by_percent
from tradeshield.orders import states
from tradeshield.orders.errors import (
    OrderInvalid,
    OrderNotFound,
    OrderStateError,
    StaffReadOnly,
    TermsChanged,
    WrongParty,
)
from tradeshield.orders.models import Incoterm, LineItem, Milestone, MilestoneKind, Order, OrderEvent
from tradeshield.orders.states import OrderStatus
from tradeshield.orders.terms import terms_hash
from tradeshield.organizations.actors import Actor
from tradeshield.organizations.models import Organization, OrgKind
from tradeshield.suppliers.errors import SupplierNotQualified
from tradeshield.suppliers.selectors import supplier_eligible

MAX_LINES = 100
RELAY_TASK = "notifications.relay_order_event"
# Events that change a supplier's credit rating: each defers a debounced refresh of that supplier
# (kit.jobs.defer_credit_refresh, which credit.services.rating_refresh_defer also calls).
CREDIT_EVENTS = frozenset(
    {
        "order.shipped",
        "order.delivered",
        "order.completed",
        "order.refunded",
        "order.partially_refunded",
        "inspection.passed",
        "inspection.failed",
        "dispute.opened",
        "dispute.resolved",  # also a withdrawal or a lapse
    }
)


@dataclass(frozen=True)
class LineInput:
    product_name: str
    quantity: Decimal
    unit: str
    unit_price: int
    specifications: str = ""
    attributes: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class OrderTerms:
    title: str
    currency: str
    incoterm: str
    named_place: str
    lines: list[LineInput]
    ship_by_date: date | None = None
    lead_time_days: int | None = None
    deposit_percent: Decimal | None = None
    inspection_required: bool = False
    notes: str = ""


def record_event(
    order: Order, kind: str, actor: Actor | None, *, from_status: str = "", to_status: str = "", **data: Any
) -> OrderEvent:
    """Append to the order's history. The event is also the notifications outbox: a relay job for it
    is deferred in this same transaction, so it runs only if the event commits."""
    event = OrderEvent.objects.create(
        order=order,
        kind=kind,
        actor=actor.label if actor else "system",
        actor_org=(actor.org_id or "") if actor else "",
        from_status=from_status,
        to_status=to_status,
        data=data,
    )
    jobs.defer(RELAY_TASK, queue="notifications", order_event_id=event.pk)
    if kind in CREDIT_EVENTS:
        jobs.defer_credit_refresh(order.supplier_id)
    return event


# The moment each status is reached is kept on the order: deadlines are measured from it.
STATUS_TIMESTAMPS: dict[str, str] = {
    OrderStatus.PAID: "paid_at",
    OrderStatus.SHIPPED: "shipped_at",
    OrderStatus.DELIVERED: "delivered_at",
}


def transition(
    order: Order,
    target: str,
    *,
    actor: Actor | None,
    error_code: str,
    kind: str,
    at: datetime | None = None,
    **data: Any,
) -> Order:
    """Move an order to `target` if its status is still what we read (compare-and-set).

    `at` is when it happened, if not now (a carrier reporting a pick-up hours ago): the status's
    timestamp (`shipped_at`, `delivered_at`) takes it, so deadlines are measured from the fact.
    """
    source = order.status
    if not states.can_transition(source, target):
        raise OrderStateError(
            _("An order that is %(source)s cannot become %(target)s.") % {"source": source, "target": target},
            code=error_code,
        )
    if target == OrderStatus.SHIPPED and order.inspection_required and order.inspection_cleared_at is None:
        raise OrderStateError(
            _(
                "This order requires a pre-shipment inspection; it can ship once a report passes "
                "or the buyer accepts the goods."
            ),
            code="inspection_not_passed",
        )
    now = clock.now()
    changes: dict[str, Any] = {"status": target, "updated_at": now}
    if target in STATUS_TIMESTAMPS:
        changes[STATUS_TIMESTAMPS[target]] = at or now
    updated = Order.objects.filter(pk=order.pk, status=source).update(**changes)
    if updated != 1:
        raise OrderStateError(_("The order changed while this request ran; reload and try again."), code=error_code)
    for field, value in changes.items():
        setattr(order, field, value)
    record_event(order, kind, actor, from_status=source, to_status=target, **data)
    return order


def _party(actor: Actor, order: Order) -> str:
    """'buyer' or 'supplier' for the acting organization; staff and strangers may not write."""
    if actor.is_staff and actor.organization is None:
        raise StaffReadOnly(_("Platform staff can view orders but not act on them here."))
    if actor.org_id == order.buyer_id:
        return "buyer"
    if actor.org_id == order.supplier_id:
        return "supplier"
    raise OrderNotFound(_("No such order."))


def require_party(actor: Actor, order: Order, side: str, permission: str) -> None:
    if _party(actor, order) != side:
        raise WrongParty(_("Only the buyer can do this.") if side == "buyer" else _("Only the supplier can do this."))
    actor.require(permission)


def lock_order(actor: Actor, order_id: str) -> Order:
    """Lock the order row for the rest of the transaction; 404 unless the actor is a party to it."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound(_("No such order."))
    _party(actor, order)
    return order


def _validate_terms(terms: OrderTerms) -> list[tuple[LineInput, int]]:
    check_currency(terms.currency)
    if terms.incoterm not in Incoterm.values:
        raise OrderInvalid(_("Unknown Incoterm 2020 rule."), field="incoterm")
    if not terms.title.strip():
        raise OrderInvalid(_("A title is required."), field="title")
    if not terms.named_place.strip():
        raise OrderInvalid(_("The Incoterm needs a named place."), field="named_place")
    if (terms.ship_by_date is None) == (terms.lead_time_days is None):
        raise OrderInvalid(_("Give either a ship-by date or a lead time in days, not both."), field="ship_by_date")
    if terms.ship_by_date is not None and terms.ship_by_date < clock.today():
        raise OrderInvalid(_("The ship-by date is in the past."), field="ship_by_date")
    if terms.lead_time_days is not None and not 1 <= terms.lead_time_days <= 365:
        raise OrderInvalid(_("Lead time must be 1 to 365 days."), field="lead_time_days")
    if terms.deposit_percent is not None and not Decimal("1") <= terms.deposit_percent <= Decimal("99"):
        raise OrderInvalid(_("A deposit is 1 % to 99 % of the order."), field="deposit_percent")
    if not 1 <= len(terms.lines) <= MAX_LINES:
        raise OrderInvalid(
            ngettext("An order has 1 to %(max)s line item.", "An order has 1 to %(max)s line items.", MAX_LINES)
            % {"max": MAX_LINES},
            field="lines",
        )
    priced = []
    for index, line in enumerate(terms.lines):
        field = f"lines[{index}]"
        if not line.product_name.strip():
            raise OrderInvalid(_("Each line needs a product name."), field=f"{field}.product_name")
        try:
            quantity = Decimal(line.quantity)
        except (InvalidOperation, TypeError):
            raise OrderInvalid(_("Quantity must be a number."), field=f"{field}.quantity") from None
        if not quantity.is_finite() or quantity <= 0 or quantity > Decimal("1e12") or quantity.as_tuple().exponent < -3:  # type: ignore[operator]
            raise OrderInvalid(_("Quantity must be positive with at most 3 decimals."), field=f"{field}.quantity")
        check_amount(line.unit_price, field=f"{field}.unit_price")
        amount = round_minor(quantity * line.unit_price)
        if amount <= 0 or amount > MAX_AMOUNT:
            raise OrderInvalid(_("The line amount is out of range."), field=f"{field}.quantity")
        priced.append((line, amount))
    if sum(a for _, a in priced) > MAX_AMOUNT:
        raise OrderInvalid(_("The order total is too large."), field="lines")
    return priced


def _write_terms(order: Order, terms: OrderTerms, priced: list[tuple[LineInput, int]]) -> None:
    order.title, order.currency, order.incoterm = terms.title.strip(), terms.currency, terms.incoterm
    order.named_place, order.ship_by_date, order.lead_time_days = (
        terms.named_place.strip(),
        terms.ship_by_date,
        terms.lead_time_days,
    )
    order.inspection_required, order.notes = terms.inspection_required, terms.notes
    order.total_amount = sum(amount for _, amount in priced)
    order.save()
    order.lines.all().delete()
    order.milestones.all().delete()
    LineItem.objects.bulk_create(
        [
            LineItem(
                order=order,
                position=i,
                product_name=line.product_name.strip(),
                specifications=line.specifications,
                attributes=list(line.attributes),
                quantity=Decimal(line.quantity),
                unit=line.unit,
                unit_price=line.unit_price,
                amount=amount,
            )
            for i, (line, amount) in enumerate(priced, start=1)
        ]
    )
    if terms.deposit_percent is None:
        plan = [(MilestoneKind.FULL, Decimal(100))]
    else:
        plan = [(MilestoneKind.DEPOSIT, terms.deposit_percent), (MilestoneKind.BALANCE, 100 - terms.deposit_percent)]
    amounts = split_by_percent(order.total_amount, [p for _, p in plan])
    Milestone.objects.bulk_create(
        [
            Milestone(order=order, position=i, kind=kind, percent=percent, amount=amount)
            for i, ((kind, percent), amount) in enumerate(zip(plan, amounts, strict=True), start=1)
        ]
    )
    order.terms_hash = terms_hash(order)
    order.save(update_fields=["terms_hash"])


def require_qualified(supplier_id: str, field: str | None = None) -> None:
    """Trade-assurance orders need a supplier whose qualification is approved and whose business
    license is valid today (on the order's clock); see docs/domains/suppliers.md."""
    if not supplier_eligible(supplier_id):
        raise SupplierNotQualified(
            _(
                "This supplier is not qualified for trade assurance: it needs an approved qualification "
                "application and a valid business license."
            ),
            field=field,
        )


@transaction.atomic
def order_create(*, actor: Actor, counterparty_id: str, terms: OrderTerms) -> Order:
    if actor.organization is None:
        raise StaffReadOnly(_("Only buyers and suppliers create orders."))
    actor.require("order.write")
    own = actor.organization
    if not actor.trades:
        raise WrongParty(_("Only buyers and suppliers create orders."))
    priced = _validate_terms(terms)
    wanted_kind = OrgKind.BUYER if own.kind == OrgKind.SUPPLIER else OrgKind.SUPPLIER
    other = Organization.objects.filter(pk=counterparty_id, kind=wanted_kind).first()
    if other is None:
        field = "buyer_id" if wanted_kind == OrgKind.BUYER else "supplier_id"
        message = (
            _("No buyer organization with this id.")
            if wanted_kind == OrgKind.BUYER
            else _("No supplier organization with this id.")
        )
        raise OrderInvalid(message, field=field, code="counterparty_not_found")
    if other.test_clock_id != own.test_clock_id:
        raise OrderInvalid(
            _("Sandbox organizations trade only with organizations on the same test clock."),
            field="buyer_id" if wanted_kind == OrgKind.BUYER else "supplier_id",
            code="test_clock_mismatch",
        )
    buyer, supplier = (other, own) if own.kind == OrgKind.SUPPLIER else (own, other)
    require_qualified(supplier.pk, field=None if own.kind == OrgKind.SUPPLIER else "supplier_id")
    order = Order(
        buyer=buyer,
        supplier=supplier,
        initiated_by="supplier" if own.kind == OrgKind.SUPPLIER else "buyer",
        test_clock_id=own.test_clock_id,
        created_by=actor.user,
    )
    _write_terms(order, terms, priced)
    record_event(order, "order.created", actor, to_status=order.status, terms_hash=order.terms_hash)
    return order


@transaction.atomic
def order_update_draft(*, actor: Actor, order_id: str, terms: OrderTerms) -> Order:
    order = lock_order(actor, order_id)
    actor.require("order.write")
    if order.status not in states.EDITABLE:
        raise OrderStateError(_("Confirmed terms are frozen; propose an amendment instead."), code="order_not_editable")
    priced = _validate_terms(terms)
    order.buyer_confirmed_at = order.supplier_confirmed_at = None
    order.updated_at = clock.now()
    _write_terms(order, terms, priced)
    record_event(order, "order.terms_edited", actor, terms_hash=order.terms_hash)
    return order


@transaction.atomic
def order_confirm(*, actor: Actor, order_id: str, expected_terms_hash: str | None = None) -> Order:
    order = lock_order(actor, order_id)
    side = _party(actor, order)
    actor.require("order.confirm")
    if order.status != OrderStatus.DRAFT:
        raise OrderStateError(
            _("An order that is %(status)s cannot be confirmed.") % {"status": order.status},
            code="order_not_confirmable",
        )
    require_qualified(order.supplier_id)
    if expected_terms_hash and expected_terms_hash != order.terms_hash:
        raise TermsChanged(_("The terms changed since you read them; review them and confirm again."))
    now = clock.now()
    setattr(order, f"{side}_confirmed_at", now)
    order.save(update_fields=[f"{side}_confirmed_at"])
    record_event(order, f"order.confirmed_by_{side}", actor, terms_hash=order.terms_hash)
    if order.buyer_confirmed_at and order.supplier_confirmed_at:
        order.confirmed_at = now
        order.ship_deadline = order.ship_by_date  # lead-time orders get theirs at the first payment
        order.save(update_fields=["confirmed_at", "ship_deadline"])
        transition(
            order,
            OrderStatus.AWAITING_PAYMENT,
            actor=actor,
            error_code="order_not_confirmable",
            kind="order.confirmed",
            terms_hash=order.terms_hash,
        )
    return order


@transaction.atomic
def order_mark_delivered(*, actor: Actor, order_id: str) -> Order:
    order = lock_order(actor, order_id)
    _party(actor, order)
    actor.require("order.receive" if actor.org_id == order.buyer_id else "order.ship")
    return transition(
        order, OrderStatus.DELIVERED, actor=actor, error_code="order_not_deliverable", kind="order.delivered"
    )
