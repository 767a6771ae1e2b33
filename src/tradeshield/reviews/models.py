"""Reviews of completed orders by their buyer, the supplier's one reply, abuse reports and moderation.

One review per order (UNIQUE on `order`), one reply per review (UNIQUE on `review`), ratings 1 to 5
(CHECK). Hiding never deletes: `hidden_*` say who hid it, when and why, and `ModerationAction` keeps
every moderation decision, append-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tradeshield.kit import clock
from tradeshield.kit.ids import new_id
from tradeshield.orders.models import Order
from tradeshield.organizations.models import Organization

MAX_TEXT = 5000
MAX_REASON = 1000
DIMENSIONS = ("product_quality", "delivery_time", "service")


def _review_id() -> str:
    return new_id("rev")


def _report_id() -> str:
    return new_id("rpt")


def _rating_check(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 1, f"{field}__lte": 5}), name=f"review_{field}_1_to_5"
    )


class Review(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=_review_id, editable=False)
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="review")
    buyer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField(max_length=200)
    product_quality = models.PositiveSmallIntegerField()
    delivery_time = models.PositiveSmallIntegerField()
    service = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=clock.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    hidden_reason = models.TextField(blank=True, default="")

    class Meta:
        db_table = "review"
        constraints = [
            *(_rating_check(f) for f in DIMENSIONS),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""), name="review_hidden_with_reason"
            ),
        ]
        indexes = [
            # the public list and review_stats read a supplier's visible reviews through this
            models.Index(
                fields=["supplier", "-id"], name="review_supplier_visible", condition=Q(hidden_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return self.id

    @property
    def average(self) -> float:
        return (self.product_quality + self.delivery_time + self.service) / 3


class ReviewReply(models.Model):
    review = models.OneToOneField(Review, primary_key=True, on_delete=models.PROTECT, related_name="reply")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField(max_length=200)
    text = models.TextField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "review_reply"


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DISMISSED = "dismissed", _("Dismissed")
    UPHELD = "upheld", _("Upheld: review hidden")


class ReviewReport(models.Model):
    """Someone says a review is abusive. Each person reports a review at most once."""

    id = models.CharField(primary_key=True, max_length=40, default=_report_id, editable=False)
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    created_at = models.DateTimeField(default=clock.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "review_report"
        constraints = [models.UniqueConstraint(fields=["review", "reporter"], name="review_report_once_per_person")]
        indexes = [models.Index(fields=["created_at"], name="review_report_open", condition=Q(status="open"))]


class ModerationKind(models.TextChoices):
    HIDE = "hide", _("Review hidden")
    DISMISS = "dismiss", _("Report dismissed")


class ModerationAction(models.Model):
    """The moderation audit log: who did what to which review, when and why. Append-only."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="moderation")
    report = models.ForeignKey(ReviewReport, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=ModerationKind.choices)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    staff_role = models.CharField(max_length=20)
    reason = models.TextField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "review_moderation"
        ordering = ["created_at", "id"]
