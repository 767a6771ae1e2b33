"""Risk monitoring: rules and thresholds (data), every screening, cases for staff, frozen accounts.

`Assessment` is one screening of one action (a payment, refund request, payout or payout-account
change) with the facts the signals count (card fingerprint, IP, device): velocity is counted over it.
A refused action's transaction rolls back; its assessment and case are written after the rollback
(`services.screened`), so they persist while nothing of the action does.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tradeshield.kit import clock
from tradeshield.kit.ids import new_id


class Kind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REFUND_REQUEST = "refund_request", _("Refund request")
    PAYOUT = "payout", _("Payout")
    ACCOUNT_CHANGE = "account_change", _("Payout account change")


class Outcome(models.TextChoices):
    ALLOW = "allow", _("Allowed")
    REVIEW = "review", _("Held for review")
    SUSPEND = "suspend", _("Transaction suspended")
    FREEZE = "freeze", _("Account frozen")


class RiskRule(models.Model):
    """A named condition over signals in the rule language (`risk.expr`); its weight adds to the score."""

    name = models.CharField(max_length=80, unique=True)
    condition = models.TextField()
    weight = models.IntegerField()
    description = models.CharField(max_length=300, blank=True, default="")
    active = models.BooleanField(default=True)
    updated_by = models.CharField(max_length=200, blank=True, default="")
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "risk_rule"
        ordering = ["id"]


class RiskPolicy(models.Model):
    """The score thresholds (one row, id 1): review from 65, suspend from 75, freeze from 100."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    review_at = models.IntegerField(default=65)
    suspend_at = models.IntegerField(default=75)
    freeze_at = models.IntegerField(default=100)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "risk_policy"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="risk_policy_single_row"),
            models.CheckConstraint(
                condition=Q(review_at__lte=models.F("suspend_at"), suspend_at__lte=models.F("freeze_at")),
                name="risk_policy_ordered",
            ),
        ]


def _assessment_id() -> str:
    return new_id("rsk")


class Assessment(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=_assessment_id, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    organization_id = models.CharField(max_length=40)
    user_id = models.CharField(max_length=40, blank=True, default="")
    reference = models.CharField(max_length=120, blank=True, default="")  # what is acted on (ord_…:ms_…, pba_…)
    currency = models.CharField(max_length=3, blank=True, default="")
    amount = models.BigIntegerField(default=0)
    card_fingerprint = models.CharField(max_length=64, blank=True, default="")
    ip = models.CharField(max_length=45, blank=True, default="")
    ip_country = models.CharField(max_length=2, blank=True, default="")
    device = models.CharField(max_length=64, blank=True, default="")
    score = models.IntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    signals = models.JSONField(default=dict)
    matched = models.JSONField(default=list)  # names of the rules that matched
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "risk_assessment"
        indexes = [
            models.Index(fields=["organization_id", "kind", "created_at"], name="risk_assess_org_kind"),
            models.Index(
                fields=["card_fingerprint", "created_at"], name="risk_assess_card", condition=~Q(card_fingerprint="")
            ),
            models.Index(fields=["ip", "created_at"], name="risk_assess_ip", condition=~Q(ip="")),
            models.Index(fields=["user_id", "device"], name="risk_assess_device", condition=~Q(device="")),
        ]


class CaseStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    CLOSED = "closed", _("Closed")  # suspended or frozen: nothing to decide, kept for the record


def _case_id() -> str:
    return new_id("rcs")


class RiskCase(models.Model):
    """An action that was not simply allowed. Reviews wait for staff; an approval lets the same action
    (same kind, organization, reference and amount) through once when it is tried again."""

    id = models.CharField(primary_key=True, max_length=40, default=_case_id, editable=False)
    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="case")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    organization_id = models.CharField(max_length=40)
    user_id = models.CharField(max_length=40, blank=True, default="")
    reference = models.CharField(max_length=120, blank=True, default="")
    currency = models.CharField(max_length=3, blank=True, default="")
    amount = models.BigIntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    status = models.CharField(max_length=10, choices=CaseStatus.choices)
    decided_by = models.CharField(max_length=200, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")
    used_at = models.DateTimeField(null=True, blank=True)  # an approval, once the retried action went through
    relayed_at = models.DateTimeField(null=True, blank=True)  # the user's warning was created (notifications)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "risk_case"
        indexes = [
            models.Index(fields=["created_at"], name="risk_case_pending", condition=Q(status="pending")),
            models.Index(fields=["organization_id", "kind", "reference"], name="risk_case_action"),
        ]


class AccountFreeze(models.Model):
    """An organization whose every screened action is refused (403 account_frozen) until staff unfreeze it."""

    organization_id = models.CharField(max_length=40)
    case = models.ForeignKey(RiskCase, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True, default="")
    frozen_at = models.DateTimeField(default=clock.now)
    unfrozen_at = models.DateTimeField(null=True, blank=True)
    unfrozen_by = models.CharField(max_length=200, blank=True, default="")
    unfreeze_reason = models.TextField(blank=True, default="")

    class Meta:
        db_table = "risk_account_freeze"
        constraints = [
            models.UniqueConstraint(
                fields=["organization_id"], condition=Q(unfrozen_at__isnull=True), name="risk_one_active_freeze"
            )
        ]


class TrustedOrganization(models.Model):
    """Staff-kept allowlist: the `trusted` signal is true for these (the default rule subtracts 100)."""

    organization_id = models.CharField(max_length=40, primary_key=True)
    note = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "risk_trusted_organization"


class Decision(models.Model):
    """Append-only log of staff decisions (approve, decline, unfreeze) and rule edits; a trigger refuses
    UPDATE and DELETE."""

    action = models.CharField(max_length=20)
    case = models.ForeignKey(RiskCase, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    organization_id = models.CharField(max_length=40, blank=True, default="")
    staff_user_id = models.CharField(max_length=40)
    staff_email = models.CharField(max_length=200)
    reason = models.TextField()
    detail = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "risk_decision"
        ordering = ["-id"]
