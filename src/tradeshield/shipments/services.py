"""Writes for shipments: creating them, recording tracking events, and moving the order along.

Every write locks the order row first (`orders.services.lock_order`, or `select_for_update` for
carrier notifications), so the events of one order are applied one at a time and the derived state
(shipment status, ETA, order status) is always computed from the complete event log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tradeshield.kit import clock
from tradeshield.kit.errors import DomainError
from tradeshield.orders import services as orders
from tradeshield.orders.errors import OrderInvalid, OrderNotFound, OrderStateError, StaffReadOnly, WrongParty
from tradeshield.orders.models import LineItem, Order
from tradeshield.orders.states import OrderStatus
from tradeshield.organizations.actors import Actor
from tradeshield.shipments import timeliness, tracking
from tradeshield.shipments.errors import (
    CsvInvalid,
    EventInFuture,
    EventInvalid,
    QuantityExceeded,
    ShipmentInvalid,
    ShipmentNotFound,
)
from tradeshield.shipments.models import EventKind, EventSource, Mode, Shipment, ShipmentEvent, ShipmentLine

# A shipment may be created while the order is paid (the first) or already shipped (the next ones).
OPEN_FOR_SHIPMENTS = {OrderStatus.PAID, OrderStatus.SHIPPED}
# What a shipment's events decide (tracking.derive); the rest of its row does not change with them.
DERIVED_FIELDS = ("status", "eta", "handed_over_at", "delivered_at", "last_event_at")


@dataclass(frozen=True)
class LineQuantity:
    position: int
    quantity: Decimal


@dataclass(frozen=True)
class EventInput:
    kind: str
    occurred_at: datetime
    location: str = ""
    description: str = ""
    eta: datetime | None = None
    event_id: str = ""  # the sender's id for the event, if it has one (makes repeats recognisable)


@dataclass(frozen=True)
class ImportRow:
    row: int  # the line of the file (header = 1)
    tracking_number: str
    shipment_id: str
    event: EventInput


@dataclass(frozen=True)
class ImportResult:
    imported: int
    duplicates: int
    order_ids: list[str]


@dataclass(frozen=True)
class EventOutcome:
    event: ShipmentEvent
    duplicate: bool


def carrier_code(carrier: str) -> str:
    return slugify(carrier)[:100]


def remaining_quantities(order: Order) -> list[tuple[LineItem, Decimal]]:
    """The order's lines, each with what no shipment carries yet (one statement)."""
    lines = order.lines.annotate(shipped=Coalesce(Sum("shipment_lines__quantity"), Decimal(0)))
    return [(line, line.quantity - line.shipped) for line in lines]


def _allocate(order: Order, wanted: list[LineQuantity] | None) -> list[tuple[LineItem, Decimal]]:
    with_remaining = remaining_quantities(order)
    lines = {line.position: line for line, _ in with_remaining}
    remaining = {line.id: left for line, left in with_remaining}
    if wanted is None:  # everything that is left
        return [(line, remaining[line.id]) for line in lines.values() if remaining[line.id] > 0]
    if not wanted:
        raise ShipmentInvalid(_("A shipment carries at least one order line."), field="lines")
    allocation: list[tuple[LineItem, Decimal]] = []
    seen: set[int] = set()
    for index, item in enumerate(wanted):
        field = f"lines[{index}]"
        line = lines.get(item.position)
        if line is None:
            raise ShipmentInvalid(
                _("The order has no line %(position)s.") % {"position": item.position}, field=f"{field}.position"
            )
        if item.position in seen:
            raise ShipmentInvalid(_("Each order line appears once per shipment."), field=f"{field}.position")
        seen.add(item.position)
        quantity = Decimal(item.quantity)
        if not quantity.is_finite() or quantity <= 0 or quantity.as_tuple().exponent < -3:  # type: ignore[operator]
            raise ShipmentInvalid(_("Quantity must be positive with at most 3 decimals."), field=f"{field}.quantity")
        if quantity > remaining[line.id]:
            raise QuantityExceeded(
                _("Line %(position)s has %(quantity)s %(unit)s left to ship.")
                % {
                    "position": line.position,
                    "quantity": format(remaining[line.id].normalize(), "f"),
                    "unit": line.unit,
                },
                field=f"{field}.quantity",
            )
        allocation.append((line, quantity))
    return allocation


def _check_details(*, mode: str, carrier: str, tracking_number: str) -> None:
    if mode and mode not in Mode.values:
        raise ShipmentInvalid(_("Mode is one of sea, air, express, rail, road."), field="mode")
    if not carrier.strip() or not carrier_code(carrier):
        raise ShipmentInvalid(_("The carrier is required."), field="carrier")
    if not tracking_number.strip():
        raise ShipmentInvalid(_("The tracking or bill-of-lading number is required."), field="tracking_number")


def _create(
    order: Order,
    actor: Actor,
    allocation: list[tuple[LineItem, Decimal]],
    *,
    mode: str,
    carrier: str,
    tracking_number: str,
    origin: str = "",
    destination: str = "",
    estimated_arrival: datetime | None = None,
) -> Shipment:
    now = clock.now()
    shipment = Shipment.objects.create(
        order=order,
        mode=mode,
        carrier=carrier.strip(),
        carrier_code=carrier_code(carrier),
        tracking_number=tracking_number.strip(),
        origin=origin.strip(),
        destination=destination.strip(),
        estimated_arrival=estimated_arrival,
        eta=estimated_arrival,
        created_by=actor.user,
        created_at=now,
        updated_at=now,
    )
    ShipmentLine.objects.bulk_create(ShipmentLine(shipment=shipment, line=line, quantity=q) for line, q in allocation)
    orders.record_event(
        order,
        "shipment.created",
        actor,
        shipment_id=shipment.id,
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
        mode=mode,
        eta=estimated_arrival.isoformat() if estimated_arrival else None,
        lines=[{"position": line.position, "quantity": format(q.normalize(), "f")} for line, q in allocation],
    )
    return shipment


@transaction.atomic
def shipment_create(
    *,
    actor: Actor,
    order_id: str,
    mode: str,
    carrier: str,
    tracking_number: str,
    origin: str = "",
    destination: str = "",
    estimated_arrival: datetime | None = None,
    lines: list[LineQuantity] | None = None,
) -> Shipment:
    """A shipment carrying `lines` (order line position and quantity), or everything not yet shipped."""
    order = orders.lock_order(actor, order_id)
    orders.require_party(actor, order, "supplier", "order.ship")
    _check_details(mode=mode, carrier=carrier, tracking_number=tracking_number)
    if order.status not in OPEN_FOR_SHIPMENTS:
        raise OrderStateError(
            _("An order that is %(status)s takes no new shipments.") % {"status": order.status},
            code="order_not_shippable",
        )
    allocation = _allocate(order, lines)
    if not allocation:
        raise QuantityExceeded(_("Every ordered quantity is already in a shipment."), field="lines")
    return _create(
        order,
        actor,
        allocation,
        mode=mode,
        carrier=carrier,
        tracking_number=tracking_number,
        origin=origin,
        destination=destination,
        estimated_arrival=estimated_arrival,
    )


@transaction.atomic
def order_ship(*, actor: Actor, order_id: str, carrier: str, tracking_number: str, mode: str = "") -> Order:
    """The one-step "mark as shipped": a shipment with everything not yet shipped, picked up now.

    Refused like the order's own transition (409 `order_not_shippable`, `inspection_not_passed`), so
    nothing is recorded when the order may not ship.
    """
    order = orders.lock_order(actor, order_id)
    orders.require_party(actor, order, "supplier", "order.ship")
    if not carrier.strip() or not tracking_number.strip():
        raise OrderInvalid(_("Carrier and tracking number are required."), field="tracking_number")
    _check_details(mode=mode, carrier=carrier, tracking_number=tracking_number)
    if order.status != OrderStatus.PAID:
        raise OrderStateError(
            _("An order that is %(status)s cannot become shipped.") % {"status": order.status},
            code="order_not_shippable",
        )
    allocation = _allocate(order, None)
    if allocation:
        shipment = _create(order, actor, allocation, mode=mode, carrier=carrier, tracking_number=tracking_number)
        picked_up = EventInput(EventKind.PICKED_UP, clock.now())
        _record(shipment, order, picked_up, source=EventSource.MANUAL, actor=actor, new_shipment=True)
    _sync_order(order, actor, strict=True)
    if order.status != OrderStatus.SHIPPED:
        raise QuantityExceeded(
            _("Every ordered quantity is already in a shipment; record the carrier's pick-up on it instead."),
            field="tracking_number",
        )
    return order


# --- Events ------------------------------------------------------------------------------------------


def dedupe_key(shipment: Shipment, event: EventInput, *, source: str, carrier: str = "") -> str:
    """Carrier notifications repeat with the same message id; other sources repeat the same facts."""
    if source == EventSource.CARRIER:
        return f"carrier:{carrier}:{event.event_id}"[:300]
    if event.event_id:
        return f"{shipment.id}:id:{event.event_id}"[:300]
    return f"{shipment.id}:{event.kind}:{event.occurred_at.isoformat()}"


def _validate(event: EventInput) -> None:
    if event.kind not in EventKind.values:
        raise EventInvalid(_("Unknown event kind %(kind)s.") % {"kind": repr(event.kind)}, field="kind")
    if event.occurred_at.tzinfo is None:
        raise EventInvalid(
            _("occurred_at needs a time zone (RFC 3339, e.g. 2026-05-01T08:00:00Z)."), field="occurred_at"
        )
    if event.eta is not None and event.eta.tzinfo is None:
        raise EventInvalid(_("eta needs a time zone (RFC 3339)."), field="eta")
    skew = timedelta(seconds=settings.TRADESHIELD_SHIPMENT_EVENT_SKEW_SECONDS)
    if event.occurred_at > clock.now() + skew:
        raise EventInFuture(_("The event is dated in the future; send it once it has happened."), field="occurred_at")
    if len(event.location) > 200 or len(event.description) > 1000:
        raise EventInvalid(_("Location is at most 200 and description 1000 characters."), field="description")


def _snapshot(shipment: Shipment) -> tuple[str, datetime | None]:
    return shipment.status, shipment.eta


def _record(
    shipment: Shipment,
    order: Order,
    event: EventInput,
    *,
    source: str,
    actor: Actor | None,
    carrier: str = "",
    new_shipment: bool = False,
) -> EventOutcome:
    """Store one event (or recognise it as a repeat), recompute the shipment, and notify what changed.

    `new_shipment`: created in this transaction, so the shipment has no event yet and no other request
    can add one: nothing to look for, and no race to guard against."""
    _validate(event)
    key = dedupe_key(shipment, event, source=source, carrier=carrier)
    if not new_shipment:
        existing = ShipmentEvent.objects.filter(dedupe_key=key).first()
        if existing is not None:
            return EventOutcome(existing, duplicate=True)
    before_status, before_eta = _snapshot(shipment)
    row = ShipmentEvent(
        shipment=shipment,
        kind=event.kind,
        occurred_at=event.occurred_at,
        location=event.location.strip(),
        description=event.description.strip(),
        new_eta=event.eta,
        source=source,
        actor=actor.label if actor else f"carrier {carrier}".strip(),
        dedupe_key=key,
    )
    if new_shipment:
        row.save(force_insert=True)
        events = [row]
    else:
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:  # the same event committed by a concurrent request a moment ago
            return EventOutcome(ShipmentEvent.objects.get(dedupe_key=key), duplicate=True)
        events = list(shipment.events.all())
    derived = tracking.derive(events, shipment.estimated_arrival)
    for field in DERIVED_FIELDS:
        setattr(shipment, field, getattr(derived, field))
    shipment.updated_at = clock.now()
    shipment.save(update_fields=[*DERIVED_FIELDS, "updated_at"])
    _notify(shipment, order, row, actor, before_status=before_status, before_eta=before_eta)
    return EventOutcome(row, duplicate=False)


def _shipment_data(shipment: Shipment) -> dict[str, Any]:
    return {"shipment_id": shipment.id, "carrier": shipment.carrier, "tracking_number": shipment.tracking_number}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def delay_reason(order: Order, before: datetime | None, after: datetime | None) -> str:
    """Why a new ETA is worth telling both sides: "past_deadline", "slipped", or "" (not a delay)."""
    if after is None or (before is not None and after <= before):
        return ""
    deadline = order.ship_deadline
    by_delivery = timeliness.measured_at(order.incoterm) == timeliness.DELIVERY and deadline is not None
    if by_delivery and after.date() > deadline and (before is None or before.date() <= deadline):  # type: ignore[operator]
        return "past_deadline"
    threshold = timedelta(hours=settings.TRADESHIELD_SHIPMENT_DELAY_THRESHOLD_HOURS)
    if before is not None and after - before >= threshold:
        return "slipped"
    return ""


def _notify(
    shipment: Shipment,
    order: Order,
    row: ShipmentEvent,
    actor: Actor | None,
    *,
    before_status: str,
    before_eta: datetime | None,
) -> None:
    data = _shipment_data(shipment)
    if row.kind == EventKind.EXCEPTION:
        orders.record_event(
            order,
            "shipment.exception",
            actor,
            **data,
            occurred_at=row.occurred_at.isoformat(),
            location=row.location,
            description=row.description,
        )
    reason = delay_reason(order, before_eta, shipment.eta)
    if reason:
        orders.record_event(
            order,
            "shipment.delayed",
            actor,
            **data,
            reason=reason,
            previous_eta=_iso(before_eta),
            eta=_iso(shipment.eta),
            ship_deadline=order.ship_deadline.isoformat() if order.ship_deadline else None,
        )
    if shipment.status == EventKind.DELIVERED and before_status != EventKind.DELIVERED:
        orders.record_event(order, "shipment.delivered", actor, **data, delivered_at=_iso(shipment.delivered_at))


# --- The order follows its shipments ---------------------------------------------------------------------


def _sync_order(order: Order, actor: Actor | None, *, strict: bool) -> None:
    """Shipped at the first hand-over to a carrier; delivered once every ordered quantity is delivered.

    With `strict` False (tracking events), an order the shipping gate holds back (inspection not
    passed) stays where it is: the events are kept on the shipment, and both sides are told once per
    shipment (`shipment.handover_blocked`). The next event, or "mark as shipped", tries again.
    """
    shipments = list(order.shipments.all())
    if order.status == OrderStatus.PAID:
        handed = [s for s in shipments if s.handed_over_at is not None]
        if handed:
            first = min(handed, key=lambda s: s.handed_over_at)  # type: ignore[arg-type, return-value]
            try:
                orders.transition(
                    order,
                    OrderStatus.SHIPPED,
                    actor=actor,
                    error_code="order_not_shippable",
                    kind="order.shipped",
                    at=first.handed_over_at,
                    **_shipment_data(first),
                    mode=first.mode,
                )
            except OrderStateError as error:
                if strict or error.code != "inspection_not_passed":
                    raise
                _report_blocked(order, actor, handed, error.code)
                return
    delivered_at = None
    delivered = [s for s in shipments if s.status == EventKind.DELIVERED]
    if delivered:  # what each carries matters only once something is delivered
        prefetch_related_objects(delivered, "lines")
        delivered_at = timeliness.complete_at(
            list(order.lines.all()), delivered, lambda s: s.delivered_at if s.status == EventKind.DELIVERED else None
        )
    _correct_dates(order, shipments, delivered_at)
    if order.status == OrderStatus.SHIPPED and delivered_at is not None:
        orders.transition(
            order,
            OrderStatus.DELIVERED,
            actor=actor,
            error_code="order_not_deliverable",
            kind="order.delivered",
            at=delivered_at,
            shipment_ids=[s.id for s in shipments if s.delivered_at is not None],
        )


def _correct_dates(order: Order, shipments: list[Shipment], delivered_at: datetime | None) -> None:
    """An event reported late can move the facts earlier: the order's `shipped_at` is the earliest
    hand-over any carrier reported, and `delivered_at` when the last needed quantity was delivered."""
    handed = [s.handed_over_at for s in shipments if s.handed_over_at is not None]
    changes: dict[str, Any] = {}
    if handed and order.shipped_at is not None and min(handed) < order.shipped_at:
        changes["shipped_at"] = min(handed)
    if delivered_at is not None and order.delivered_at is not None and delivered_at != order.delivered_at:
        changes["delivered_at"] = delivered_at
    if changes:
        Order.objects.filter(pk=order.pk).update(**changes)
        for field, value in changes.items():
            setattr(order, field, value)


def _report_blocked(order: Order, actor: Actor | None, handed: list[Shipment], reason: str) -> None:
    reported = set(order.events.filter(kind="shipment.handover_blocked").values_list("data__shipment_id", flat=True))
    for shipment in handed:
        if shipment.id not in reported:
            orders.record_event(order, "shipment.handover_blocked", actor, **_shipment_data(shipment), reason=reason)


def _lock_order_of(shipment: Shipment) -> Order:
    return Order.objects.select_for_update().get(pk=shipment.order_id)


@transaction.atomic
def shipment_event_add(*, actor: Actor, shipment_id: str, event: EventInput) -> EventOutcome:
    """The supplier records an event by hand (also how the web form does it)."""
    order_id = Shipment.objects.filter(pk=shipment_id).values_list("order_id", flat=True).first()
    if order_id is None:
        raise ShipmentNotFound(_("No such shipment."))
    try:
        order = orders.lock_order(actor, order_id)
    except OrderNotFound:
        raise ShipmentNotFound(_("No such shipment.")) from None
    orders.require_party(actor, order, "supplier", "order.ship")
    shipment = Shipment.objects.get(pk=shipment_id)
    outcome = _record(shipment, order, event, source=EventSource.MANUAL, actor=actor)
    if not outcome.duplicate:
        _sync_order(order, actor, strict=False)
    return outcome


@transaction.atomic
def carrier_event_receive(*, carrier: str, message_id: str, tracking_number: str, event: EventInput) -> EventOutcome:
    """A verified carrier notification. The newest shipment with this carrier and tracking number
    takes it (carriers recycle numbers); an unknown number is a 404 the carrier can see and retry."""
    code = carrier_code(carrier)
    seen = ShipmentEvent.objects.filter(dedupe_key=f"carrier:{code}:{message_id}"[:300]).first()
    if seen is not None:
        return EventOutcome(seen, duplicate=True)
    shipment = (
        Shipment.objects.filter(carrier_code=code, tracking_number=tracking_number.strip()).order_by("-id").first()
    )
    if shipment is None:
        raise ShipmentNotFound(_("No shipment with this carrier and tracking number."), field="tracking_number")
    order = _lock_order_of(shipment)
    shipment.refresh_from_db()
    event = EventInput(
        kind=event.kind,
        occurred_at=event.occurred_at,
        location=event.location,
        description=event.description,
        eta=event.eta,
        event_id=message_id,
    )
    outcome = _record(shipment, order, event, source=EventSource.CARRIER, actor=None, carrier=code)
    if not outcome.duplicate:
        _sync_order(order, None, strict=False)
    return outcome


def _import_target(supplier_shipments: QuerySet[Shipment], row: ImportRow) -> Shipment:
    if row.shipment_id:
        found = supplier_shipments.filter(pk=row.shipment_id).first()
        column = "shipment_id"
    else:
        found = supplier_shipments.filter(tracking_number=row.tracking_number).order_by("-id").first()
        column = "tracking_number"
    if found is None:
        raise CsvInvalid(
            _("Row %(row)s, column %(column)s: none of your shipments has it.") % {"row": row.row, "column": column},
            field=f"row {row.row}: {column}",
        )
    return found


@transaction.atomic
def events_import(*, actor: Actor, rows: list[ImportRow]) -> ImportResult:
    """All rows or none. Each names one of the acting supplier's shipments."""
    if actor.organization is None:
        raise StaffReadOnly(_("Only suppliers import tracking events."))
    if not actor.is_supplier_org:
        raise WrongParty(_("Only suppliers import tracking events."))
    actor.require("order.ship")
    own = Shipment.objects.filter(order__supplier=actor.organization)
    targets = [(row, _import_target(own, row)) for row in rows]
    locked = {
        order.id: order
        for order in Order.objects.select_for_update().filter(pk__in={s.order_id for _, s in targets}).order_by("pk")
    }
    shipments: dict[str, Shipment] = {}
    imported = duplicates = 0
    for row, target in targets:
        shipment = shipments.setdefault(target.id, target)
        try:
            outcome = _record(shipment, locked[shipment.order_id], row.event, source=EventSource.CSV, actor=actor)
        except DomainError as error:
            column = (error.field or "kind").split(".")[-1]
            raise CsvInvalid(
                _("Row %(row)s, column %(column)s: %(problem)s")
                % {"row": row.row, "column": column, "problem": error.message},
                field=f"row {row.row}: {column}",
            ) from None
        duplicates += outcome.duplicate
        imported += not outcome.duplicate
    for order in locked.values():
        _sync_order(order, actor, strict=False)
    return ImportResult(imported=imported, duplicates=duplicates, order_ids=sorted(locked))
