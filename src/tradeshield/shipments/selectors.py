"""Reads of shipments, scoped like orders: the buyer and the supplier of the order, and staff."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from tradeshield.orders.models import LineItem, Order
from tradeshield.orders.selectors import order_get, orders_visible_to
from tradeshield.organizations.actors import Actor
from tradeshield.shipments import timeliness
from tradeshield.shipments.errors import ShipmentNotFound
from tradeshield.shipments.models import Shipment, ShipmentLine


def _with_details(queryset: QuerySet[Shipment]) -> QuerySet[Shipment]:
    return queryset.prefetch_related(Prefetch("lines", queryset=ShipmentLine.objects.select_related("line")), "events")


def shipments_visible_to(actor: Actor) -> QuerySet[Shipment]:
    return Shipment.objects.filter(order__in=orders_visible_to(actor).values("id"))


def shipment_get(actor: Actor, shipment_id: str) -> Shipment:
    shipment = _with_details(shipments_visible_to(actor).select_related("order")).filter(pk=shipment_id).first()
    if shipment is None:
        raise ShipmentNotFound(_("No such shipment."))
    return shipment


def shipments_for_order(order: Order, *, cursor: str | None = None, limit: int | None = None) -> list[Shipment]:
    queryset = _with_details(Shipment.objects.filter(order=order)).order_by("id")
    if cursor:
        queryset = queryset.filter(id__gt=cursor)
    return list(queryset[:limit] if limit else queryset)


@dataclass(frozen=True)
class Tracking:
    order: Order
    lines: list[LineItem]
    shipments: list[Shipment]
    judgement: timeliness.Judgement
    # The shipping gate holds the order back although a carrier has the goods (see services._sync_order).
    held_by_inspection: bool


def tracking_for_order(actor: Actor, order_id: str) -> Tracking:
    order = order_get(actor, order_id)
    lines = list(order.lines.all())
    shipments = shipments_for_order(order)
    held = order.status == "paid" and order.events.filter(kind="shipment.handover_blocked").exists()
    return Tracking(order, lines, shipments, timeliness.judge(order, lines, shipments), held)
