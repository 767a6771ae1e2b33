"""Buyer ↔ supplier conversations: inquiries (a buyer writes to a supplier) and one thread per order.

Messages are append-only (a trigger refuses UPDATE and DELETE, see migration 0002). Response metrics
are read from them in SQL (`selectors.response_metrics`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tradeshield.files.models import StoredFile
from tradeshield.kit import clock
from tradeshield.kit.ids import new_id
from tradeshield.orders.models import Order
from tradeshield.organizations.models import Organization

MAX_BODY = 5000
MAX_SUBJECT = 200


class ThreadKind(models.TextChoices):
    INQUIRY = "inquiry", _("Inquiry")
    ORDER = "order", _("Order conversation")


def _thread_id() -> str:
    return new_id("inq")


def _message_id() -> str:
    return new_id("mes")


class Thread(models.Model):
    """A conversation between one buyer and one supplier organization."""

    id = models.CharField(primary_key=True, max_length=40, default=_thread_id, editable=False)
    kind = models.CharField(max_length=10, choices=ThreadKind.choices)
    buyer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    order = models.OneToOneField(Order, null=True, blank=True, on_delete=models.PROTECT, related_name="thread")
    subject = models.CharField(max_length=MAX_SUBJECT, blank=True, default="")
    product = models.CharField(max_length=200, blank=True, default="")
    quantity = models.CharField(max_length=100, blank=True, default="")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    last_message_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "messaging_thread"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="order", order__isnull=False) | Q(kind="inquiry", order__isnull=True),
                name="thread_order_iff_order_kind",
            ),
            models.CheckConstraint(condition=~Q(buyer=models.F("supplier")), name="thread_two_organizations"),
        ]
        indexes = [
            models.Index(fields=["buyer", "-last_message_at"], name="thread_buyer_recent"),
            models.Index(fields=["supplier", "-last_message_at"], name="thread_supplier_recent"),
            # response_metrics reads a supplier's inquiries of the last 30 days through this
            models.Index(
                fields=["supplier", "created_at"], name="thread_inquiry_received", condition=Q(kind="inquiry")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.subject}"

    def side_of(self, org_id: str | None) -> str:
        if org_id == self.buyer_id:
            return "buyer"
        return "supplier" if org_id == self.supplier_id else ""


class Message(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=_message_id, editable=False)
    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField(max_length=200)  # the person's email, or "API key key_…"
    body = models.TextField()
    attachments = models.ManyToManyField(StoredFile, blank=True, related_name="+", db_table="messaging_attachment")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "messaging_message"
        # CHECK (char_length(body) BETWEEN 1 AND 5000) and the append-only trigger: migration 0002.
        indexes = [models.Index(fields=["thread", "organization", "created_at"], name="message_thread_org_time")]

    def __str__(self) -> str:
        return self.id


class ThreadRead(models.Model):
    """How far one person has read a thread: messages after `last_read_at` are unread for them."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField()

    class Meta:
        db_table = "messaging_thread_read"
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="thread_read_once_per_user")]
