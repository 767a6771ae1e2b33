"""Double-entry, append-only ledger (TigerBeetle's vocabulary).

Balances on `Account` are written only by the database trigger that runs on each transfer insert
(see ledger_rules.sql); Python never updates them. Only guarded accounts keep them on their row: an
unguarded account's stored totals stay zero and `Account.totals()` sums its transfers instead.
"""

from __future__ import annotations

from django.db import connection, models
from django.db.models import F, Q


class AccountKind(models.TextChoices):
    BUYER_FUNDING = "buyer_funding", "Buyer funding (outside world)"
    ESCROW = "escrow", "Escrow per order"
    SUPPLIER_AVAILABLE = "supplier_available", "Supplier available"
    PLATFORM_FEES = "platform_fees", "Platform fee revenue"
    PROCESSOR_FEES = "processor_fees", "Processor fees"
    REFUNDS = "refunds", "Refunds paid out"
    SUSPENSE = "suspense", "Unmatched receipts"
    GUARANTEE_FUND = "guarantee_fund", "Guarantee fund (compensation paid)"
    BUYER_CREDIT = "buyer_credit", "Buyer credit"
    SUPPLIER_FUNDING = "supplier_funding", "Supplier funding (outside world)"
    INSPECTION_FEES = "inspection_fees", "Inspection fee held per booking"
    AGENCY_PAYABLE = "agency_payable", "Owed to an inspection agency"
    SUPPLIER_RESERVE = "supplier_reserve", "Supplier rolling reserve"
    PAYOUTS = "payouts", "Payouts sent (outside world)"
    SUPPLIER_DEBT = "supplier_debt", "Supplier debt to the guarantee fund (negative: owed)"
    FX = "fx", "Currency conversion position"


# Accounts that hold money for someone: they may never go below zero.
GUARDED_KINDS = {
    AccountKind.ESCROW,
    AccountKind.SUPPLIER_AVAILABLE,
    AccountKind.SUSPENSE,
    AccountKind.BUYER_CREDIT,
    AccountKind.INSPECTION_FEES,
    AccountKind.AGENCY_PAYABLE,
    AccountKind.SUPPLIER_RESERVE,
}


TOTALS = ("debits_pending", "debits_posted", "credits_pending", "credits_posted")

# One account's totals from its transfers; a resolution releases what its pending transfer held.
SUMMED_TOTALS = """
SELECT coalesce(sum(CASE WHEN t.debit_account_id = %(account)s THEN pend END), 0),
       coalesce(sum(CASE WHEN t.debit_account_id = %(account)s THEN posted END), 0),
       coalesce(sum(CASE WHEN t.credit_account_id = %(account)s THEN pend END), 0),
       coalesce(sum(CASE WHEN t.credit_account_id = %(account)s THEN posted END), 0)
  FROM ledger_transfer t
  LEFT JOIN ledger_transfer p ON p.id = t.pending_id
 CROSS JOIN LATERAL (
       SELECT CASE WHEN t.kind = 'pending' THEN t.amount
                   WHEN t.kind IN ('post', 'void', 'expire') THEN -p.amount ELSE 0 END AS pend,
              CASE WHEN t.kind IN ('single', 'post') THEN t.amount ELSE 0 END AS posted) m
 WHERE t.debit_account_id = %(account)s OR t.credit_account_id = %(account)s
"""


class Account(models.Model):
    id = models.CharField(primary_key=True, max_length=160)
    kind = models.CharField(max_length=32, choices=AccountKind.choices)
    currency = models.CharField(max_length=3)
    owner_ref = models.CharField(max_length=64, blank=True, default="")
    guarded = models.BooleanField(default=False)
    debits_pending = models.BigIntegerField(default=0)
    debits_posted = models.BigIntegerField(default=0)
    credits_pending = models.BigIntegerField(default=0)
    credits_posted = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ledger_account"
        constraints = [
            models.CheckConstraint(
                condition=Q(debits_pending__gte=0, debits_posted__gte=0, credits_pending__gte=0, credits_posted__gte=0),
                name="ledger_account_totals_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(guarded=False) | Q(credits_posted__gte=F("debits_posted") + F("debits_pending")),
                name="ledger_account_guarded_no_overdraft",
            ),
        ]

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):  # type: ignore[no-untyped-def]
        # `account_ensure` returns accounts with their totals deferred; reading one loads all four
        # together, so they come from one snapshot.
        if fields is not None and set(fields) & set(TOTALS):
            fields = list({*fields, *TOTALS})
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)

    def totals(self) -> tuple[int, int, int, int]:
        """(debits_pending, debits_posted, credits_pending, credits_posted) as of now. A guarded account
        keeps them on its row (the fields); an unguarded one, shared by many payments, keeps none so
        that payments do not queue on its row, and they are summed from its transfers here."""
        if self.guarded:
            return (self.debits_pending, self.debits_posted, self.credits_pending, self.credits_posted)
        with connection.cursor() as cur:
            cur.execute(SUMMED_TOTALS, {"account": self.id})
            row = cur.fetchone()
        return (int(row[0]), int(row[1]), int(row[2]), int(row[3]))

    @property
    def balance(self) -> int:
        """Credits minus debits, posted only."""
        _, debits_posted, _, credits_posted = self.totals()
        return credits_posted - debits_posted

    @property
    def available(self) -> int:
        """What a guarded account may still send: posted balance less pending debits."""
        debits_pending, debits_posted, _, credits_posted = self.totals()
        return credits_posted - debits_posted - debits_pending


class TransferKind(models.TextChoices):
    SINGLE = "single", "Posted at once"
    PENDING = "pending", "Pending (held)"
    POST = "post", "Posts a pending transfer"
    VOID = "void", "Voids a pending transfer"
    EXPIRE = "expire", "Expires a pending transfer"


RESOLVING_KINDS = (TransferKind.POST, TransferKind.VOID, TransferKind.EXPIRE)


class Transfer(models.Model):
    """One movement: debits one account, credits another. Never updated, never deleted."""

    id = models.CharField(primary_key=True, max_length=160)
    kind = models.CharField(max_length=8, choices=TransferKind.choices)
    debit_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    credit_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    pending = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="resolution")
    expires_at = models.DateTimeField(null=True, blank=True)
    code = models.CharField(max_length=40)
    ref = models.CharField(max_length=64, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ledger_transfer"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_transfer_amount_positive"),
            models.CheckConstraint(
                condition=~Q(debit_account=F("credit_account")), name="ledger_transfer_distinct_accounts"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["single", "pending"], pending__isnull=True)
                | Q(kind__in=["post", "void", "expire"], pending__isnull=False),
                name="ledger_transfer_resolution_names_pending",
            ),
        ]
