"""The protection policy, and the record of every action the platform took on its own."""

from __future__ import annotations

from django.db import models

from tradeshield.kit import clock


class ProtectionPolicy(models.Model):
    """One row ("default"); every number is configurable (Django admin or the API for staff)."""

    name = models.CharField(max_length=40, unique=True, default="default")
    late_compensation_percent = models.DecimalField(max_digits=5, decimal_places=2, default=10)
    late_compensation_cap_usd = models.BigIntegerField(default=10_000)  # USD minor units: USD 100
    late_compensation_after_days = models.PositiveIntegerField(default=1)  # after the end of the ship-by day
    late_cancel_after_days = models.PositiveIntegerField(default=30)
    unpaid_expiry_days = models.PositiveIntegerField(default=14)
    balance_grace_days = models.PositiveIntegerField(default=7)  # after the ship deadline
    auto_confirm_after_delivery_days = models.PositiveIntegerField(default=15)
    auto_confirm_after_dispatch_days = models.PositiveIntegerField(default=60)
    reminder_days_before = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "protection_policy"


class ProtectionAction(models.Model):
    """Done once per order, rule and period: the unique key makes a second sweep, a second worker
    or a retry after a crash a no-op."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="protection_actions")
    rule = models.CharField(max_length=40)
    period = models.CharField(max_length=40, default="1")
    due_at = models.DateTimeField()
    acted_at = models.DateTimeField(default=clock.now)
    outcome = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "protection_action"
        constraints = [
            models.UniqueConstraint(fields=["order", "rule", "period"], name="protection_action_once"),
        ]
