"""Third-party pre-shipment inspection: agencies, the order's plan, bookings and reports."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tradeshield.files.models import StoredFile
from tradeshield.kit import clock
from tradeshield.kit.ids import new_id
from tradeshield.orders.models import Order
from tradeshield.organizations.models import Organization


class AgencyProfile(models.Model):
    """What makes an organization an accredited inspection body, and what it charges."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="agency_profile")
    accreditation = models.CharField(max_length=100)  # e.g. "ISO/IEC 17020:2012 Type A"
    accreditation_body = models.CharField(max_length=100)
    accreditation_number = models.CharField(max_length=60)
    accredited_until = models.DateField()
    countries = models.JSONField(default=list, blank=True)  # where it inspects; empty means anywhere
    fee_usd = models.BigIntegerField(default=29_900)  # per visit (one inspector-day), USD minor units
    report_due_hours = models.PositiveIntegerField(default=48)  # the agreed time to file after the visit

    class Meta:
        db_table = "inspection_agency"
        constraints = [
            models.CheckConstraint(condition=Q(fee_usd__gt=0), name="agency_fee_positive"),
            models.CheckConstraint(condition=Q(report_due_hours__gte=1), name="agency_report_due_positive"),
        ]


class InspectionPolicy(models.Model):
    """Platform-wide inspection rules (one row, editable by admins)."""

    fee_payer = models.CharField(max_length=10, default="buyer")  # who pays a first inspection
    min_packed_percent = models.PositiveIntegerField(default=80)
    rework_days = models.PositiveIntegerField(default=10)  # for the supplier to ask for a re-inspection

    class Meta:
        db_table = "inspection_policy"


class InspectionLevel(models.TextChoices):
    I = "I", _("General level I")  # noqa: E741 - the standard's own name
    II = "II", _("General level II")
    III = "III", _("General level III")


class OrderInspectionPlan(models.Model):
    """What the buyer asked for on an order that requires inspection; frozen once a visit is booked."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="inspection_plan")
    level = models.CharField(max_length=3, choices=InspectionLevel.choices, default=InspectionLevel.II)
    aql_critical = models.DecimalField(max_digits=7, decimal_places=3, default=Decimal("0"))
    aql_major = models.DecimalField(max_digits=7, decimal_places=3, default=Decimal("2.5"))
    aql_minor = models.DecimalField(max_digits=7, decimal_places=3, default=Decimal("4.0"))
    agency = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # After a failed report the buyer chose rework: the supplier must ask for a re-inspection by then.
    rework_due_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "inspection_order_plan"
        indexes = [models.Index(fields=["rework_due_at"], name="inspection_rework_due")]


class InspectionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested, fee unpaid")
    BOOKED = "booked", _("Booked, awaiting a date")
    SCHEDULED = "scheduled", _("Scheduled")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (InspectionStatus.REQUESTED, InspectionStatus.BOOKED, InspectionStatus.SCHEDULED)


class BuyerDecision(models.TextChoices):
    ACCEPT = "accept", _("Accept the goods anyway")
    REWORK = "rework", _("Rework and re-inspect")
    CANCEL = "cancel", _("Cancel with a full refund")


def _inspection_id() -> str:
    return new_id("insp")


class Inspection(models.Model):
    """One visit by an agency to inspect an order's goods (the first, or a re-inspection)."""

    id = models.CharField(primary_key=True, max_length=40, default=_inspection_id, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="inspections")
    agency = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="inspection_bookings")
    is_reinspection = models.BooleanField(default=False)
    # "order": the pre-shipment visit; "dispute": ordered by the trade expert in arbitration, whose fee
    # is held until the decision (see docs/domains/disputes.md). dispute_ref names the case (no FK: the
    # disputes layer sits above this one).
    purpose = models.CharField(max_length=10, default="order")
    dispute_ref = models.CharField(max_length=40, blank=True, default="", db_index=True)
    status = models.CharField(max_length=10, choices=InspectionStatus.choices, default=InspectionStatus.REQUESTED)
    # The plan, copied when the visit is requested so later edits cannot move the goalposts.
    level = models.CharField(max_length=3, choices=InspectionLevel.choices)
    aql_critical = models.DecimalField(max_digits=7, decimal_places=3)
    aql_major = models.DecimalField(max_digits=7, decimal_places=3)
    aql_minor = models.DecimalField(max_digits=7, decimal_places=3)
    lot_size = models.PositiveIntegerField()
    packed_percent = models.PositiveIntegerField()
    ready_date = models.DateField()
    site_address = models.CharField(max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The fee, in the order's currency, and who pays it.
    fee_payer = models.CharField(max_length=10)  # "buyer" or "supplier"
    fee_amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    fee_paid_at = models.DateTimeField(null=True, blank=True)
    fee_reference = models.CharField(max_length=100, blank=True, default="")
    fee_card = models.CharField(max_length=40, blank=True, default="")  # brand and last 4 only
    fee_refunded = models.BigIntegerField(default=0)
    scheduled_for = models.DateField(null=True, blank=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    report_due_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=BuyerDecision.choices, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "inspection"
        constraints = [
            models.CheckConstraint(condition=Q(lot_size__gte=1), name="inspection_lot_positive"),
            models.CheckConstraint(condition=Q(fee_amount__gt=0), name="inspection_fee_positive"),
            models.CheckConstraint(
                condition=Q(fee_refunded__gte=0) & Q(fee_refunded__lte=models.F("fee_amount")),
                name="inspection_fee_refund_bounded",
            ),
            models.CheckConstraint(condition=Q(fee_payer__in=["buyer", "supplier"]), name="inspection_fee_payer"),
            # At most one visit in progress per order.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status__in=["requested", "booked", "scheduled"]),
                name="inspection_one_open_per_order",
            ),
        ]
        indexes = [models.Index(fields=["agency", "-id"]), models.Index(fields=["order", "-id"])]


class InspectionReport(models.Model):
    """What the inspector found. The verdict follows from the sampling plan; an override needs a reason."""

    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="report")
    critical_found = models.PositiveIntegerField()
    major_found = models.PositiveIntegerField()
    minor_found = models.PositiveIntegerField()
    sample_size = models.PositiveIntegerField()
    plan = models.JSONField()  # the plan per defect class as applied
    measurements = models.JSONField(default=list)  # [{"line", "name", "expected", "measured", "tolerance", "ok"}]
    summary = models.TextField()
    computed_passed = models.BooleanField()
    passed = models.BooleanField()
    override_reason = models.TextField(blank=True, default="")
    photos = models.ManyToManyField(StoredFile, related_name="+", blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "inspection_report"
        constraints = [
            models.CheckConstraint(
                condition=Q(passed=models.F("computed_passed")) | ~Q(override_reason=""),
                name="inspection_override_needs_reason",
            ),
        ]
