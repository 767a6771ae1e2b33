"""Legal consultations: a party of an order asks a partner law firm about it, with the evidence bundle.

Confidential to the requesting organization and the firm: the other party of the order never sees
the consultation, and the firm's lawyers see only consultations sent to their firm.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tradeshield.files.models import StoredFile
from tradeshield.kit import clock
from tradeshield.kit.ids import new_id
from tradeshield.orders.models import Order
from tradeshield.organizations.models import Organization

MAX_BODY = 5000


def _consultation_id() -> str:
    return new_id("lgc")


def _message_id() -> str:
    return new_id("lgm")


class Consultation(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=_consultation_id, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="+")
    dispute_id = models.CharField(max_length=40, blank=True, default="")
    requester = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    firm = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    bundle = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "legal_consultation"
        ordering = ["-created_at", "-id"]


class ConsultationMessage(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=_message_id, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="messages")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_label = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "legal_consultation_message"
        ordering = ["created_at", "id"]
