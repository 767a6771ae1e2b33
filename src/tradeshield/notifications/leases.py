"""Claiming a delivery for one attempt, and settling its outcome, for emails and webhooks alike.

An attempt first takes a short lease by compare-and-set, so two workers (or a retry sweep and a
manual replay) never send the same delivery at once; a worker that dies mid-send leaves a lease that
simply expires, and the sweep tries again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from tradeshield.kit import clock
from tradeshield.notifications.backoff import Backoff
from tradeshield.notifications.models import Delivery, DeliveryStatus

LEASE = timedelta(seconds=90)


def claim(model: type[Delivery], pk: str, *, manual: bool = False) -> bool:
    """Take the delivery for one attempt: it must be due (or asked for by hand) and not being sent."""
    now = clock.now()
    rows = model._default_manager.filter(pk=pk).filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
    if not manual:
        rows = rows.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    return rows.update(locked_until=now + LEASE) == 1


def due(model: type[Delivery], limit: int) -> list[str]:
    now = clock.now()
    rows = model._default_manager.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    )
    return [str(pk) for pk in rows.order_by("next_attempt_at").values_list("pk", flat=True)[:limit]]


def settle(row: Delivery, *, error: str, backoff: Backoff, retry: bool, now: datetime) -> None:
    """Record one attempt's outcome on the row (not saved). An empty `error` means delivered.

    A failure is retried only while the delivery is still pending and the error is not permanent;
    a failed manual replay of a finished delivery leaves it failed.
    """
    row.attempt_count += 1
    row.first_attempted_at = row.first_attempted_at or now
    row.locked_until = None
    row.updated_at = now
    row.last_error = error
    if not error:
        row.status, row.delivered_at, row.next_attempt_at = DeliveryStatus.SUCCEEDED, now, None
        return
    next_at = None
    if retry and row.status == DeliveryStatus.PENDING:
        next_at = backoff.next_attempt(attempt=row.attempt_count, first_attempted_at=row.first_attempted_at, now=now)
    row.status = DeliveryStatus.PENDING if next_at else DeliveryStatus.FAILED
    row.next_attempt_at = next_at


SETTLED_FIELDS = [
    "attempt_count",
    "first_attempted_at",
    "locked_until",
    "updated_at",
    "last_error",
    "status",
    "delivered_at",
    "next_attempt_at",
]
