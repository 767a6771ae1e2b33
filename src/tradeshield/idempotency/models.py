from __future__ import annotations

from django.db import models

from tradeshield.kit import clock


class IdempotencyRecord(models.Model):
    """The first response to a request made with an Idempotency-Key, replayed for retries."""

    class State(models.TextChoices):
        IN_FLIGHT = "in_flight"
        DONE = "done"

    scope = models.CharField(max_length=80)  # who asked: API key or user
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.IN_FLIGHT)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.real_now, db_index=True)
    locked_until = models.DateTimeField()

    class Meta:
        db_table = "idempotency_record"
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key_unique")]
