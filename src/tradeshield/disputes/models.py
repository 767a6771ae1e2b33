"""Disputes: the buyer's complaint about an order, the negotiation, arbitration by a trade expert.

The dispute's history is the order's own append-only event log (`OrderEvent` with kinds
`dispute.*` and `data.dispute_id`), which is also the notifications outbox.
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


class Reason(models.TextChoices):
    NOT_SHIPPED = "not_shipped", _("Not shipped")
    LATE = "late", _("Late")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    QUALITY = "quality", _("Quality problem")
    QUANTITY_SHORT = "quantity_short", _("Quantity short")
    DAMAGED = "damaged", _("Damaged")
    WRONG_ITEM = "wrong_item", _("Wrong item")
    COUNTERFEIT = "counterfeit", _("Counterfeit")


class Remedy(models.TextChoices):
    FULL_REFUND = "full_refund", _("Full refund")
    PARTIAL_REFUND = "partial_refund", _("Partial refund")
    RETURN_AND_REFUND = "return_and_refund", _("Return and refund")
    REPLACEMENT = "replacement", _("Replacement")


class Stage(models.TextChoices):
    PRE_RELEASE = "pre_release", _("Before release (funds in escrow)")
    POST_SALES = "post_sales", _("After receipt (post-sales)")


class DisputeStatus(models.TextChoices):
    NEGOTIATING = "negotiating", _("Negotiating")
    ESCALATED = "escalated", _("In arbitration")
    DECIDED = "decided", _("Decided (appeal window open)")
    APPEALED = "appealed", _("Under appeal")
    RESOLVED = "resolved", _("Resolved")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LAPSED = "lapsed", _("Lapsed")


OPEN_STATUSES = (DisputeStatus.NEGOTIATING, DisputeStatus.ESCALATED, DisputeStatus.DECIDED, DisputeStatus.APPEALED)
ARBITRATION_STATUSES = (DisputeStatus.ESCALATED, DisputeStatus.APPEALED)


class Outcome(models.TextChoices):
    AGREED = "agreed", _("Agreed between the parties")
    AUTO_GRANTED = "auto_granted", _("Granted: the supplier did not respond in time")
    SETTLED = "settled", _("Settlement signed by both parties")
    DECIDED = "decided", _("Decided by a trade expert")
    WITHDRAWN = "withdrawn", _("Withdrawn by the buyer")
    LAPSED = "lapsed", _("Lapsed: the buyer did not provide evidence in time")


def _dispute_id() -> str:
    return new_id("dsp")


class Dispute(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=_dispute_id, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="disputes")
    buyer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    remedy = models.CharField(max_length=20, choices=Remedy.choices)
    description = models.TextField()
    currency = models.CharField(max_length=3)
    # What the buyer paid and could get back: held in escrow (before release) or paid (post-sales).
    disputed_amount = models.BigIntegerField()
    requested_amount = models.BigIntegerField()  # what the buyer asks back (0 for a replacement)
    status = models.CharField(max_length=12, choices=DisputeStatus.choices, default=DisputeStatus.NEGOTIATING)
    outcome = models.CharField(max_length=14, choices=Outcome.choices, blank=True, default="")
    # The standing proposal the other side may accept: the buyer's request, or a counter-offer.
    offer_by = models.CharField(max_length=10, default="buyer")  # "buyer" or "supplier"
    offer_amount = models.BigIntegerField()
    offer_remedy = models.CharField(max_length=20, choices=Remedy.choices)
    offer_text = models.TextField(blank=True, default="")
    # Deadlines (the rows that fire them are DisputeDeadline; these are for display and checks).
    supplier_respond_by = models.DateTimeField()
    supplier_responded_at = models.DateTimeField(null=True, blank=True)
    buyer_may_escalate_at = models.DateTimeField()
    auto_escalate_at = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    assign_by = models.DateTimeField(null=True, blank=True)
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_disputes"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    first_expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The (latest) decision: the split of the disputed amount and the written reasons.
    decision_buyer_amount = models.BigIntegerField(null=True, blank=True)
    decision_supplier_amount = models.BigIntegerField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True, default="")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    decided_at = models.DateTimeField(null=True, blank=True)
    appeal_by = models.DateTimeField(null=True, blank=True)
    appealed_at = models.DateTimeField(null=True, blank=True)
    appeal_reasons = models.TextField(blank=True, default="")
    appealed_by_side = models.CharField(max_length=10, blank=True, default="")
    # What was executed through the ledger when the dispute resolved.
    refunded_amount = models.BigIntegerField(default=0)
    from_guarantee_fund = models.BigIntegerField(default=0)
    resolved_at = models.DateTimeField(null=True, blank=True)
    test_clock_id = models.CharField(max_length=40, null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "dispute"
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(status__in=OPEN_STATUSES), name="dispute_one_open"),
            models.CheckConstraint(condition=Q(disputed_amount__gt=0), name="dispute_amount_positive"),
            models.CheckConstraint(
                condition=Q(requested_amount__gte=0, requested_amount__lte=models.F("disputed_amount")),
                name="dispute_request_bounded",
            ),
            models.CheckConstraint(
                condition=Q(offer_amount__gte=0, offer_amount__lte=models.F("disputed_amount")),
                name="dispute_offer_bounded",
            ),
            models.CheckConstraint(
                condition=Q(decision_buyer_amount__isnull=True)
                | Q(
                    decision_buyer_amount__gte=0,
                    decision_supplier_amount__gte=0,
                    decision_buyer_amount__lte=models.F("disputed_amount") - models.F("decision_supplier_amount"),
                ),
                name="dispute_decision_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "-id"]),
            models.Index(fields=["supplier", "-id"]),
            models.Index(fields=["expert", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.id} on {self.order_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def _evidence_id() -> str:
    return new_id("dev")


class Evidence(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=_evidence_id, editable=False)
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="evidence")
    side = models.CharField(max_length=10)  # "buyer" or "supplier"
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True, default="")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "dispute_evidence"
        ordering = ["created_at", "id"]


def _request_id() -> str:
    return new_id("der")


class EvidenceRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FULFILLED = "fulfilled", _("Provided")
        LAPSED = "lapsed", _("Lapsed")

    id = models.CharField(primary_key=True, max_length=40, default=_request_id, editable=False)
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="evidence_requests")
    side = models.CharField(max_length=10)
    text = models.TextField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "dispute_evidence_request"
        ordering = ["created_at", "id"]


def _settlement_id() -> str:
    return new_id("dst")


class Settlement(models.Model):
    """Terms one party proposes during arbitration; it ends the case once both have signed."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        SIGNED = "signed", _("Signed by both")
        SUPERSEDED = "superseded", _("Superseded")

    id = models.CharField(primary_key=True, max_length=40, default=_settlement_id, editable=False)
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="settlements")
    buyer_amount = models.BigIntegerField()
    supplier_amount = models.BigIntegerField()
    text = models.TextField(blank=True, default="")
    proposed_by = models.CharField(max_length=10)
    buyer_signed_at = models.DateTimeField(null=True, blank=True)
    supplier_signed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "dispute_settlement"
        constraints = [
            models.UniqueConstraint(
                fields=["dispute"], condition=Q(status="proposed"), name="dispute_one_open_settlement"
            ),
            models.CheckConstraint(condition=Q(buyer_amount__gte=0, supplier_amount__gte=0), name="settlement_split"),
        ]


class DeadlineKind(models.TextChoices):
    SUPPLIER_RESPONSE = "supplier_response", _("Supplier must respond")
    AUTO_ESCALATE = "auto_escalate", _("Escalated to arbitration automatically")
    ASSIGN = "assign", _("A trade expert is assigned")
    EVIDENCE = "evidence", _("Evidence requested by the expert")
    APPEAL_WINDOW = "appeal_window", _("Appeal window closes")
    INSPECTION_FEE = "inspection_fee", _("The buyer prepays the ordered inspection")


class DisputeDeadline(models.Model):
    """A deadline as data. The sweep locks due rows with SKIP LOCKED and marks them done in the same
    transaction as the action; (dispute, kind, period) is unique, so each deadline exists once and
    fires once."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=20, choices=DeadlineKind.choices)
    period = models.CharField(max_length=40, default="1")
    due_at = models.DateTimeField()
    test_clock_id = models.CharField(max_length=40, null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    outcome = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "dispute_deadline"
        constraints = [
            models.UniqueConstraint(fields=["dispute", "kind", "period"], name="dispute_deadline_once"),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(done_at__isnull=True), name="dispute_deadline_due"),
        ]
