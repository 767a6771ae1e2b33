"""Payout bank accounts (numbers encrypted at rest), payouts, and the rolling reserve held per release."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tradeshield.kit import clock
from tradeshield.kit.crypto import EncryptedTextField
from tradeshield.kit.ids import new_id
from tradeshield.organizations.models import Organization


class Scheme(models.TextChoices):
    IBAN = "iban", _("IBAN")
    US_ABA = "us_aba", _("US account (ABA routing number)")


class AccountStatus(models.TextChoices):
    PENDING_VERIFICATION = "pending_verification", _("Waiting for verification")
    VERIFIED = "verified", _("Verified")
    FAILED = "failed", _("Verification failed")


def _account_id() -> str:
    return new_id("pba")


class PayoutAccount(models.Model):
    """A bank account an organization is paid out to. Numbers are stored encrypted; only last4 in clear."""

    id = models.CharField(primary_key=True, max_length=40, default=_account_id, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    scheme = models.CharField(max_length=10, choices=Scheme.choices)
    holder_name = models.CharField(max_length=140)
    country = models.CharField(max_length=2)
    currency = models.CharField(max_length=3)
    iban = EncryptedTextField(blank=True, default="")
    routing_number = EncryptedTextField(blank=True, default="")
    account_number = EncryptedTextField(blank=True, default="")
    last4 = models.CharField(max_length=4)
    status = models.CharField(max_length=24, choices=AccountStatus.choices)
    # The two micro-deposit amounts the provider sent (minor units, "12,34"), encrypted like the numbers.
    verification_amounts = EncryptedTextField(blank=True, default="")
    verification_attempts = models.PositiveSmallIntegerField(default=0)
    provider_reference = models.CharField(max_length=80, blank=True, default="")
    created_by_id = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "payout_account"


class PayoutStatus(models.TextChoices):
    IN_TRANSIT = "in_transit", _("In transit")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")


def _payout_id() -> str:
    return new_id("po")


class Payout(models.Model):
    """Money leaving the platform to an organization's bank account.

    Ledger: `payout:<id>` is a pending transfer source → payouts:CUR while in transit; the provider's
    confirmation posts it (`payout-paid:<id>`), a failure voids it (`payout-failed:<id>`), so the
    money is back in the source account. Exactly once: the pending transfer resolves once, and the
    status moves only by compare-and-set from in_transit.
    """

    id = models.CharField(primary_key=True, max_length=40, default=_payout_id, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(PayoutAccount, on_delete=models.PROTECT, related_name="payouts")
    source_account_id = models.CharField(max_length=160)
    currency = models.CharField(max_length=3)
    amount = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=PayoutStatus.choices)
    trigger = models.CharField(max_length=16)  # "on_demand" | "batch"
    batch_date = models.DateField(null=True, blank=True)
    provider_reference = models.CharField(max_length=80, blank=True, default="")
    failure_code = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "payout"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            # One settlement-batch payout per organization, currency and day.
            models.UniqueConstraint(
                fields=["organization", "currency", "batch_date"],
                condition=Q(batch_date__isnull=False),
                name="payout_one_per_batch",
            ),
        ]


class ReserveHold(models.Model):
    """Part of one release kept in the supplier's reserve until the post-sales window ends."""

    payment_id = models.CharField(primary_key=True, max_length=40)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    amount = models.BigIntegerField()
    release_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "payout_reserve_hold"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="reserve_amount_positive")]
        indexes = [
            models.Index(fields=["release_at"], condition=Q(released_at__isnull=True), name="reserve_due"),
        ]
