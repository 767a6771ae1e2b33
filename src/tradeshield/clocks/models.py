"""Simulation clocks (like Stripe's test clocks): sandbox organizations live on one instead of real time."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import models

from tradeshield.kit.ids import new_id


def _clock_id() -> str:
    return new_id("clk")


def _real_now() -> datetime:
    return datetime.now(UTC)


class TestClock(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=_clock_id, editable=False)
    name = models.CharField(max_length=100)
    now_at = models.DateTimeField()
    created_at = models.DateTimeField(default=_real_now)  # real time: when the sandbox was made

    class Meta:
        db_table = "test_clock"

    def __str__(self) -> str:
        return f"{self.name} @ {self.now_at.isoformat()}"
