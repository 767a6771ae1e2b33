"""Shipments of an order: what each carries, how it travels, and the carrier's tracking events.

A shipment's `status`, `eta`, `handed_over_at` and `delivered_at` are derived from its events in
`occurred_at` order (see `tracking.derive`) and stored only so lists and queries stay cheap; every new
event recomputes them from the whole log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tradeshield.kit import clock
from tradeshield.kit.ids import new_id
from tradeshield.orders.models import LineItem, Order


class Mode(models.TextChoices):
    SEA = "sea", _("Sea freight")
    AIR = "air", _("Air freight")
    EXPRESS = "express", _("Express courier")
    RAIL = "rail", _("Rail")
    ROAD = "road", _("Road")


class EventKind(models.TextChoices):
    BOOKED = "booked", _("Booked with the carrier")
    PICKED_UP = "picked_up", _("Picked up by the carrier")
    DEPARTED = "departed", _("Departed")
    ARRIVED_AT_PORT = "arrived_at_port", _("Arrived at port")
    CUSTOMS = "customs", _("In customs")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    EXCEPTION = "exception", _("Exception")


class ShipmentStatus(models.TextChoices):
    CREATED = "created", _("Created")
    BOOKED = "booked", _("Booked")
    PICKED_UP = "picked_up", _("Picked up")
    DEPARTED = "departed", _("In transit")
    ARRIVED_AT_PORT = "arrived_at_port", _("Arrived at port")
    CUSTOMS = "customs", _("In customs")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    EXCEPTION = "exception", _("Exception")


class EventSource(models.TextChoices):
    MANUAL = "manual", _("Entered by the supplier")
    CSV = "csv", _("CSV import")
    CARRIER = "carrier", _("Carrier notification")


def _shipment_id() -> str:
    return new_id("shp")


def _event_id() -> str:
    return new_id("sev")


class Shipment(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=_shipment_id, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    mode = models.CharField(max_length=10, choices=Mode.choices, blank=True, default="")
    carrier = models.CharField(max_length=100)
    # The carrier's name as a slug: carrier notifications arrive at /carriers/{carrier_code}/events.
    carrier_code = models.CharField(max_length=100)
    tracking_number = models.CharField(max_length=100)  # or the bill-of-lading / air waybill number
    origin = models.CharField(max_length=200, blank=True, default="")
    destination = models.CharField(max_length=200, blank=True, default="")
    estimated_arrival = models.DateTimeField(null=True, blank=True)  # the ETA given when it was created
    # Derived from the events (see tracking.derive):
    status = models.CharField(max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.CREATED)
    eta = models.DateTimeField(null=True, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "shipment"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["carrier_code", "tracking_number"], name="shipment_tracking"),
            models.Index(fields=["order", "id"], name="shipment_order"),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.carrier} {self.tracking_number}"


class ShipmentLine(models.Model):
    """How much of one order line a shipment carries."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(LineItem, on_delete=models.PROTECT, related_name="shipment_lines")
    quantity = models.DecimalField(max_digits=18, decimal_places=3)

    class Meta:
        db_table = "shipment_line"
        ordering = ["line__position"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipment_line_quantity_positive"),
            models.UniqueConstraint(fields=["shipment", "line"], name="shipment_line_once"),
        ]


class ShipmentEvent(models.Model):
    """One tracking fact. Append-only; placed by `occurred_at`, whenever it arrived (`received_at`)."""

    id = models.CharField(primary_key=True, max_length=40, default=_event_id, editable=False)
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(default=clock.now)
    location = models.CharField(max_length=200, blank=True, default="")
    description = models.CharField(max_length=1000, blank=True, default="")
    new_eta = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=EventSource.choices)
    actor = models.CharField(max_length=200, blank=True, default="")
    # What makes a repeat of the same event recognisable (see services.dedupe_key): unique, so a
    # replayed notification or re-imported row is acknowledged without a second row.
    dedupe_key = models.CharField(max_length=300, unique=True)

    class Meta:
        db_table = "shipment_event"
        ordering = ["occurred_at", "received_at", "id"]
        indexes = [models.Index(fields=["shipment", "occurred_at"], name="shipment_event_time")]
