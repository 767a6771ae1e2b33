"""Trade-assurance order contracts: terms, line items, payment milestones, events, amendments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tradeshield.kit import clock
from tradeshield.kit.ids import new_id
from tradeshield.orders.states import OrderStatus
from tradeshield.organizations.models import Organization

# Incoterms 2020 where the seller's obligation ends at destination: "shipped on time" means delivered.
DELIVERY_INCOTERMS = {"DAP", "DPU", "DDP"}


class Incoterm(models.TextChoices):
    EXW = "EXW", "EXW — Ex Works"
    FCA = "FCA", "FCA — Free Carrier"
    CPT = "CPT", "CPT — Carriage Paid To"
    CIP = "CIP", "CIP — Carriage and Insurance Paid To"
    DAP = "DAP", "DAP — Delivered at Place"
    DPU = "DPU", "DPU — Delivered at Place Unloaded"
    DDP = "DDP", "DDP — Delivered Duty Paid"
    FAS = "FAS", "FAS — Free Alongside Ship"
    FOB = "FOB", "FOB — Free on Board"
    CFR = "CFR", "CFR — Cost and Freight"
    CIF = "CIF", "CIF — Cost, Insurance and Freight"


def _order_id() -> str:
    return new_id("ord")


def _milestone_id() -> str:
    return new_id("mil")


def _amendment_id() -> str:
    return new_id("amd")


class Order(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=_order_id, editable=False)
    buyer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="purchases")
    supplier = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="sales")
    initiated_by = models.CharField(max_length=10)  # "buyer" (request) or "supplier" (issued)
    title = models.CharField(max_length=200)
    currency = models.CharField(max_length=3)
    incoterm = models.CharField(max_length=3, choices=Incoterm.choices)
    named_place = models.CharField(max_length=200)
    ship_by_date = models.DateField(null=True, blank=True)
    lead_time_days = models.PositiveIntegerField(null=True, blank=True)
    inspection_required = models.BooleanField(default=False)
    # Set by the inspections domain when a report passes or the buyer accepts a failed one: the
    # shipping gate (see `services.transition`).
    inspection_cleared_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True, default="")
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT, db_index=True)
    total_amount = models.BigIntegerField(default=0)
    terms_version = models.PositiveIntegerField(default=1)
    terms_hash = models.CharField(max_length=64, blank=True, default="")
    buyer_confirmed_at = models.DateTimeField(null=True, blank=True)
    supplier_confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Milestones of the life cycle that deadlines are measured from (see protections.rules).
    ship_deadline = models.DateField(null=True, blank=True)  # the agreed date, or first payment + lead time
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    test_clock = models.ForeignKey(
        "clocks.TestClock", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "trade_order"
        constraints = [
            models.CheckConstraint(condition=Q(total_amount__gte=0), name="order_total_non_negative"),
            models.CheckConstraint(
                condition=Q(ship_by_date__isnull=False, lead_time_days__isnull=True)
                | Q(ship_by_date__isnull=True, lead_time_days__isnull=False),
                name="order_ship_by_or_lead_time",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "-id"]),
            models.Index(fields=["supplier", "-id"]),
            # The protection sweeps read due orders through these, so a sweep costs what is due, not
            # what is open.
            models.Index(fields=["status", "ship_deadline"], name="order_due_ship"),
            models.Index(fields=["status", "confirmed_at"], name="order_due_payment"),
            models.Index(fields=["status", "shipped_at"], name="order_due_shipped"),
            models.Index(fields=["status", "delivered_at"], name="order_due_delivered"),
            # D-rule orders stay late until delivered, also while shipped: their own index keeps the
            # late-shipment query from reading every overdue shipped order.
            models.Index(
                fields=["status", "ship_deadline"],
                name="order_due_delivery_terms",
                condition=models.Q(incoterm__in=["DAP", "DPU", "DDP"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.title}"


class LineItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    product_name = models.CharField(max_length=200)
    specifications = models.TextField(blank=True, default="")
    attributes = models.JSONField(default=list, blank=True)  # [{"name", "value", "unit", "tolerance"}]
    quantity = models.DecimalField(max_digits=18, decimal_places=3)
    unit = models.CharField(max_length=20)
    unit_price = models.BigIntegerField()
    amount = models.BigIntegerField()

    class Meta:
        db_table = "trade_order_line"
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gt=0, amount__gt=0), name="line_amounts_positive"),
        ]


class MilestoneKind(models.TextChoices):
    FULL = "full", _("Full payment")
    DEPOSIT = "deposit", _("Deposit")
    BALANCE = "balance", _("Balance")


class MilestoneStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PAYING = "paying", _("Payment in progress")
    HELD = "held", _("Held in escrow")
    RELEASED = "released", _("Released")
    REFUNDED = "refunded", _("Refunded")


class Milestone(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=_milestone_id, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=MilestoneKind.choices)
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    amount = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=MilestoneStatus.choices, default=MilestoneStatus.UNPAID)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "trade_order_milestone"
        ordering = ["position"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="milestone_amount_positive")]


class OrderEvent(models.Model):
    """Append-only history of an order: what happened, who did it, when."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    actor = models.CharField(max_length=200, blank=True, default="")
    actor_org = models.CharField(max_length=40, blank=True, default="")
    from_status = models.CharField(max_length=20, blank=True, default="")
    to_status = models.CharField(max_length=20, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "trade_order_event"
        ordering = ["created_at", "id"]


class Amendment(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    id = models.CharField(primary_key=True, max_length=40, default=_amendment_id, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="amendments")
    proposed_by = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField()
    reason = models.TextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    base_terms_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=clock.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "trade_order_amendment"
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="proposed"), name="amendment_one_open_per_order"
            ),
        ]
