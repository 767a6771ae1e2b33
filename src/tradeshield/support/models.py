"""Customer service: tickets from chat, email and phone; agents with languages and shifts; targets."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tradeshield.kit import clock
from tradeshield.kit.ids import new_id
from tradeshield.organizations.models import Organization


def _ticket_id() -> str:
    return new_id("tkt")


def _token() -> str:
    return secrets.token_hex(6)


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class Channel(models.TextChoices):
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class PriorityPolicy(models.Model):
    """Targets per priority, in minutes. Rows with defaults are created by migration 0002."""

    priority = models.CharField(max_length=10, primary_key=True, choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()

    class Meta:
        db_table = "support_priority_policy"


class AgentProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+")
    languages = ArrayField(models.CharField(max_length=10), default=list)

    class Meta:
        db_table = "support_agent"


class Shift(models.Model):
    """An agent on duty on `weekday` (0 = Monday) from `start_hour` up to, not including, `end_hour` (UTC)."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField()
    start_hour = models.PositiveSmallIntegerField()
    end_hour = models.PositiveSmallIntegerField()

    class Meta:
        db_table = "support_shift"
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__lte=6, start_hour__lt=models.F("end_hour"), end_hour__lte=24),
                name="support_shift_valid",
            )
        ]


class Ticket(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=_ticket_id, editable=False)
    token = models.CharField(max_length=20, unique=True, default=_token)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requester_email = models.EmailField(blank=True, default="")
    subject = models.CharField(max_length=200)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    language = models.CharField(max_length=10, default="en")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    first_response_due = models.DateTimeField()
    resolution_due = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True, default="")
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "support_ticket"
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="support_rating_1_5"
            )
        ]
        indexes = [models.Index(fields=["status", "assignee"]), models.Index(fields=["organization", "-created_at"])]


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_agent = models.BooleanField(default=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    body = models.TextField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "support_message"
        ordering = ["id"]


class PhoneCall(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="calls")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    caller = models.CharField(max_length=200)
    summary = models.TextField()
    duration_seconds = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "support_phone_call"
        ordering = ["id"]


class Escalation(models.Model):
    """One per ticket and breached target: the unique key makes the sweep idempotent."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="escalations")
    target = models.CharField(max_length=20)  # "first_response" or "resolution"
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "support_escalation"
        constraints = [models.UniqueConstraint(fields=["ticket", "target"], name="support_escalation_once")]
