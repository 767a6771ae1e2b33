"""What happened to an order, relayed to people and systems: in-app notices, emails, signed webhooks.

`OrderEvent` is the outbox. Each event is relayed once (`RelayedEvent`), and each channel has a row
unique per (event, recipient), so a relay that runs twice, or on two workers, sends nothing twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tradeshield.kit import clock
from tradeshield.kit.crypto import EncryptedTextField
from tradeshield.kit.ids import new_id
from tradeshield.orders.models import OrderEvent
from tradeshield.organizations.models import Organization
from tradeshield.risk.models import RiskCase
from tradeshield.suppliers.models import SupplierEvent


def _message_id() -> str:
    return new_id("msg")


def _notification_id() -> str:
    return new_id("ntf")


def _email_id() -> str:
    return new_id("eml")


def _endpoint_id() -> str:
    return new_id("whe")


def _delivery_id() -> str:
    return new_id("whd")


class RelayedEvent(models.Model):
    """An order event whose notices, emails and webhooks exist. `message_id` is its public id."""

    event = models.OneToOneField(OrderEvent, primary_key=True, on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(max_length=40, unique=True, default=_message_id)
    relayed_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "notification_relayed_event"


class Notification(models.Model):
    """One in-app notice for one person. Its text is rendered when shown, in the reader's language."""

    id = models.CharField(primary_key=True, max_length=40, default=_notification_id, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    # About an order event, or (exactly one of the two) a supplier qualification/verification event.
    event = models.ForeignKey(OrderEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    supplier_event = models.ForeignKey(SupplierEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Or a payment risk warning (risk.RiskCase: held for review, suspended, account frozen).
    risk_case = models.ForeignKey(RiskCase, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=10)  # "buyer", "supplier" or "agency": whose view of the event
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "notification"
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="notification_once_per_user"),
            models.UniqueConstraint(fields=["supplier_event", "user"], name="notification_supplier_once_per_user"),
            models.UniqueConstraint(fields=["risk_case", "user"], name="notification_risk_once_per_user"),
            models.CheckConstraint(
                condition=Q(event__isnull=True, supplier_event__isnull=False, risk_case__isnull=True)
                | Q(event__isnull=False, supplier_event__isnull=True, risk_case__isnull=True)
                | Q(event__isnull=True, supplier_event__isnull=True, risk_case__isnull=False),
                name="notification_one_subject_of_three",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-id"]),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """Retry state shared by emails and webhooks: due time, a lease while sending, outcome."""

    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempt_count = models.PositiveIntegerField(default=0)
    first_attempted_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=clock.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        abstract = True


class EmailDelivery(Delivery):
    """One email about one event to one person, rendered in their language when sent."""

    id = models.CharField(primary_key=True, max_length=40, default=_email_id, editable=False)
    event = models.ForeignKey(OrderEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    supplier_event = models.ForeignKey(SupplierEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    risk_case = models.ForeignKey(RiskCase, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=10)
    to_address = models.EmailField()
    subject = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        db_table = "notification_email"
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="email_once_per_user"),
            models.UniqueConstraint(fields=["supplier_event", "user"], name="email_supplier_once_per_user"),
            models.UniqueConstraint(fields=["risk_case", "user"], name="email_risk_once_per_user"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="email_due"),
        ]


class WebhookEndpoint(models.Model):
    """An integrator's URL that receives the organization's order events, signed with its secret."""

    id = models.CharField(primary_key=True, max_length=40, default=_endpoint_id, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True, default="")
    event_types = models.JSONField(default=list, blank=True)  # empty: every type; "order.*" matches a noun
    enabled = models.BooleanField(default=True)
    # Signing secrets, encrypted at rest (kit/crypto.py); the code sees them in clear to sign.
    secret = EncryptedTextField()
    previous_secret = EncryptedTextField(blank=True, default="")
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "webhook_endpoint"


class WebhookDelivery(Delivery):
    """One event (or test ping) for one endpoint. The body is fixed when created; each attempt re-signs it."""

    id = models.CharField(primary_key=True, max_length=40, default=_delivery_id, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(OrderEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(max_length=40)  # the webhook-id header: the same on every retry
    event_type = models.CharField(max_length=60)
    body = models.TextField()
    is_test = models.BooleanField(default=False)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        db_table = "webhook_delivery"
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_once_per_endpoint")]
        indexes = [
            models.Index(fields=["endpoint", "-id"]),
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="webhook_due"),
        ]


class WebhookAttempt(models.Model):
    """The delivery log: one row per request sent, what came back and when the next one is due."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    manual = models.BooleanField(default=False)
    attempted_at = models.DateTimeField(default=clock.now)
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    response_excerpt = models.TextField(blank=True, default="")
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "webhook_attempt"
        ordering = ["number"]
