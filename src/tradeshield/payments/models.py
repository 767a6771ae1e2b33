"""Payments into escrow, one per order milestone, and the evidence of how they moved."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tradeshield.kit import clock
from tradeshield.kit.crypto import EncryptedTextField
from tradeshield.kit.ids import new_id
from tradeshield.organizations.models import Organization


class Method(models.TextChoices):
    CARD = "card", _("Card")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer (T/T)")
    ECHECK = "echeck", _("e-Check (ACH)")
    WALLET = "wallet", _("Wallet")
    CREDIT = "credit", _("Buyer credit")
    SEPA = "sepa", _("SEPA transfer")
    BOLETO = "boleto", _("Boleto")


class PaymentStatus(models.TextChoices):
    REQUIRES_ACTION = "requires_action", _("Waiting for wallet approval")
    AWAITING_FUNDS = "awaiting_funds", _("Waiting for the bank transfer")
    PARTIALLY_FUNDED = "partially_funded", _("Partly received")
    HELD = "held", _("Held in escrow")
    RELEASED = "released", _("Released to supplier")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partly refunded")
    REFUNDED = "refunded", _("Refunded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# Methods the buyer approves on another page (wallet, bank or voucher) before the money is captured.
REDIRECT_METHODS = ("wallet", "sepa", "boleto")
OPEN_STATUSES = (PaymentStatus.REQUIRES_ACTION, PaymentStatus.AWAITING_FUNDS, PaymentStatus.PARTIALLY_FUNDED)
FUNDED_STATUSES = (PaymentStatus.HELD, PaymentStatus.PARTIALLY_REFUNDED)


def _payment_id() -> str:
    return new_id("pay")


class Payment(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=_payment_id, editable=False)
    order_id = models.CharField(max_length=40, db_index=True)
    milestone_id = models.CharField(max_length=40, db_index=True)
    buyer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=20, choices=Method.choices)
    provider = models.CharField(max_length=40)
    status = models.CharField(max_length=24, choices=PaymentStatus.choices)
    currency = models.CharField(max_length=3)
    amount = models.BigIntegerField()  # what goes into escrow
    fee_amount = models.BigIntegerField(default=0)  # processing fee charged on top
    received_amount = models.BigIntegerField(default=0)
    refunded_amount = models.BigIntegerField(default=0)
    released_amount = models.BigIntegerField(default=0)
    # Buyer credit (compensation from earlier orders) paid into escrow, and how much of it went back.
    credit_applied = models.BigIntegerField(default=0)
    credit_returned = models.BigIntegerField(default=0)
    # Card: never the number or the CVC, only what a receipt shows.
    card_brand = models.CharField(max_length=20, blank=True, default="")
    card_last4 = models.CharField(max_length=4, blank=True, default="")
    card_exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    card_exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    card_country = models.CharField(max_length=2, blank=True, default="")
    provider_token = EncryptedTextField(blank=True, default="")  # the provider's card token, encrypted at rest
    saved_method_id = models.CharField(max_length=40, blank=True, default="")
    provider_reference = models.CharField(max_length=80, blank=True, default="")
    bank_reference = models.CharField(max_length=32, null=True, blank=True, unique=True)
    wallet = models.CharField(max_length=20, blank=True, default="")
    failure_code = models.CharField(max_length=40, blank=True, default="")
    # Paid in another currency than the order's: the rate locked at payment (order currency -> pay
    # currency), what the method was charged in the pay currency, and how much of it went back.
    pay_currency = models.CharField(max_length=3, blank=True, default="")
    pay_amount = models.BigIntegerField(default=0)
    pay_refunded = models.BigIntegerField(default=0)
    fx_rate = models.DecimalField(max_digits=24, decimal_places=10, null=True, blank=True)
    fx_source = models.CharField(max_length=80, blank=True, default="")
    fx_as_of = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "payment"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(fee_amount__gte=0, received_amount__gte=0, refunded_amount__gte=0, released_amount__gte=0),
                name="payment_amounts_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=models.F("amount") + models.F("fee_amount")),
                name="payment_refund_within_paid",
            ),
            models.CheckConstraint(
                condition=Q(
                    credit_applied__gte=0,
                    credit_applied__lte=models.F("amount"),
                    credit_returned__gte=0,
                    credit_returned__lte=models.F("credit_applied"),
                ),
                name="payment_credit_within_amount",
            ),
            # At most one live payment per milestone: a second attempt waits for the first to end.
            models.UniqueConstraint(
                fields=["milestone_id"],
                condition=Q(
                    status__in=[
                        "requires_action",
                        "awaiting_funds",
                        "partially_funded",
                        "held",
                        "released",
                        "partially_refunded",
                    ]
                ),
                name="payment_one_live_per_milestone",
            ),
        ]

    @property
    def method_key(self) -> str:
        """The payment-method offer this payment used (a wallet payment is keyed by its wallet)."""
        return self.wallet if self.method == Method.WALLET and self.wallet else self.method

    @property
    def is_fx(self) -> bool:
        return bool(self.pay_currency) and self.pay_currency != self.currency

    @property
    def charge_currency(self) -> str:
        return self.pay_currency if self.is_fx else self.currency

    @property
    def charge_amount(self) -> int:
        """What the method is charged, in the currency it pays in."""
        return self.pay_amount if self.is_fx else self.total_charged

    @property
    def cash_amount(self) -> int:
        """What the payment method itself pays into escrow (the amount less buyer credit)."""
        return self.amount - self.credit_applied

    @property
    def total_charged(self) -> int:
        """What the payment method is charged: its part of the amount plus the processing fee."""
        return self.cash_amount + self.fee_amount


class PaymentEvent(models.Model):
    """The payment progress timeline; append-only."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32)
    amount = models.BigIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    expected_by = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "payment_event"
        ordering = ["created_at", "id"]


class BankReceipt(models.Model):
    """Money seen on the platform's collection account, from the bank's webhook or a statement import."""

    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched to a payment")
        UNMATCHED = "unmatched", _("No payment with this reference")

    bank_transaction_id = models.CharField(max_length=80, unique=True)
    reference = models.CharField(max_length=140)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    payer_name = models.CharField(max_length=200, blank=True, default="")
    value_date = models.DateField()
    source = models.CharField(max_length=20)  # webhook | statement
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts")
    status = models.CharField(max_length=20, choices=Status.choices)
    applied_amount = models.BigIntegerField(default=0)
    excess_amount = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "payment_bank_receipt"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="bank_receipt_amount_positive")]


class FeeRule(models.Model):
    """One line of the processing fee schedule. The most specific matching rule applies."""

    method = models.CharField(max_length=20, choices=Method.choices)
    network = models.CharField(max_length=20, blank=True, default="")  # card brand, "" = any
    region = models.CharField(max_length=20, blank=True, default="")  # "APAC", "" = any
    percent = models.DecimalField(max_digits=6, decimal_places=3, default=0)
    fixed_amount = models.BigIntegerField(default=0)
    fixed_currency = models.CharField(max_length=3, default="USD")
    cap_amount = models.BigIntegerField(null=True, blank=True)
    cap_currency = models.CharField(max_length=3, default="USD")
    active = models.BooleanField(default=True)

    class Meta:
        db_table = "payment_fee_rule"
        constraints = [
            models.UniqueConstraint(fields=["method", "network", "region"], name="fee_rule_unique_scope"),
        ]


def _saved_method_id() -> str:
    return new_id("pm")


class SavedMethod(models.Model):
    """A buyer's saved card for one-click payment: the provider's token only (encrypted), never the number."""

    id = models.CharField(primary_key=True, max_length=40, default=_saved_method_id, editable=False)
    buyer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(max_length=40)
    token = EncryptedTextField()
    brand = models.CharField(max_length=20)
    last4 = models.CharField(max_length=4)
    exp_month = models.PositiveSmallIntegerField()
    exp_year = models.PositiveSmallIntegerField()
    country = models.CharField(max_length=2, blank=True, default="")
    created_by_id = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(default=clock.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "payment_saved_method"


class PaymentMethodOffer(models.Model):
    """Where a payment method is offered, and what it costs and takes: data, seeded by migration 0006.

    Empty `countries` means everywhere; empty `currencies` means any currency. The fee is
    `fee_percent` of the amount plus `fee_fixed` minor units of `fee_fixed_currency` (converted at the
    reference rate). Cards keep their network/region schedule (FeeRule) on top of this row.
    """

    method = models.CharField(max_length=20, unique=True)
    countries = models.JSONField(default=list, blank=True)
    currencies = models.JSONField(default=list, blank=True)
    fee_percent = models.DecimalField(max_digits=6, decimal_places=3, default=0)
    fee_fixed = models.BigIntegerField(default=0)
    fee_fixed_currency = models.CharField(max_length=3, default="USD")
    settlement_days_min = models.PositiveSmallIntegerField(default=0)
    settlement_days_max = models.PositiveSmallIntegerField(default=0)
    refund_days_min = models.PositiveSmallIntegerField(default=0)
    refund_days_max = models.PositiveSmallIntegerField(default=0)
    limit_amount = models.BigIntegerField(null=True, blank=True)  # per transaction, total charged
    limit_currency = models.CharField(max_length=3, default="USD")
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "payment_method_offer"
        ordering = ["position", "method"]
        constraints = [
            models.CheckConstraint(condition=Q(fee_percent__gte=0, fee_fixed__gte=0), name="offer_fee_non_negative"),
            models.CheckConstraint(
                condition=Q(limit_amount__isnull=True) | Q(limit_amount__gt=0), name="offer_limit_positive"
            ),
        ]


class FxRate(models.Model):
    """One exchange rate: 1 unit of `base` buys `rate` units of `quote` (major units), from `source`."""

    base = models.CharField(max_length=3)
    quote = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=24, decimal_places=10)
    source = models.CharField(max_length=80)
    as_of = models.DateTimeField()
    loaded_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "payment_fx_rate"
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0), name="fx_rate_positive"),
            models.CheckConstraint(condition=~Q(base=models.F("quote")), name="fx_rate_distinct_currencies"),
            models.UniqueConstraint(fields=["base", "quote", "as_of"], name="fx_rate_unique_pair_time"),
        ]
        indexes = [models.Index(fields=["base", "quote", "-as_of"], name="fx_rate_latest")]
