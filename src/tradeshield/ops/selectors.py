"""The platform's vital signs, read for `/metrics` (every scrape) and the staff dashboard.

Platform-wide on purpose: only staff (the dashboard) and the metrics token holder see them. Each is one
aggregate query over indexed columns or small tables; nothing is cached, so two web servers report the
same numbers.

Disputes and the risk queue are other domains that do not exist yet. Their tiles and metrics light up
by themselves when those domains provide these functions (looked up by name, so this module does not
import a package that is not there):

- `tradeshield.disputes.selectors.ops_open_by_stage() -> dict[str, dict[str, int]]`: open disputes,
  stage → age bucket (`AGE_BUCKETS` keys) → count;
- `tradeshield.risk.selectors.ops_queue_size() -> int`: cases waiting for a risk reviewer.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import Count, Min, Q, Sum

from tradeshield.kit import clock
from tradeshield.ledger.models import Account, AccountKind, Transfer
from tradeshield.notifications.models import DeliveryStatus, WebhookAttempt, WebhookDelivery
from tradeshield.ops.heartbeat import workers_alive
from tradeshield.orders.models import Order
from tradeshield.orders.states import OrderStatus

AGE_BUCKETS = ("under_3_days", "3_to_7_days", "over_7_days")
NOT_SHIPPED = (OrderStatus.PAID, OrderStatus.DEPOSIT_PAID)


def _optional(app_label: str, module: str, function: str) -> Callable[[], Any] | None:
    """A function another domain provides for operations, or None while that domain does not exist."""
    if not apps.is_installed(app_label):
        return None
    found = getattr(importlib.import_module(module), function, None)
    return found if callable(found) else None


def disputes_open_by_stage() -> dict[str, dict[str, int]] | None:
    provider = _optional("tradeshield.disputes", "tradeshield.disputes.selectors", "ops_open_by_stage")
    return provider() if provider else None


def risk_queue_size() -> int | None:
    provider = _optional("tradeshield.risk", "tradeshield.risk.selectors", "ops_queue_size")
    return int(provider()) if provider else None


def job_queue() -> dict[tuple[str, str], int]:
    """Procrastinate jobs by queue and status (todo, doing, failed, succeeded, cancelled, aborted)."""
    with connection.cursor() as cur:
        cur.execute("SELECT queue_name, status::text, count(*) FROM procrastinate_jobs GROUP BY 1, 2")
        return {(queue, status): int(n) for queue, status, n in cur.fetchall()}


def escrow_held() -> dict[str, int]:
    """Held for suppliers in every order's escrow account, per currency (minor units)."""
    rows = (
        Account.objects.filter(kind=AccountKind.ESCROW)
        .values("currency")
        .annotate(held=Sum("debits_pending"))
        .order_by("currency")
    )
    return {row["currency"]: int(row["held"] or 0) for row in rows if row["held"]}


def compensations(since: Any = None) -> dict[str, tuple[int, int]]:
    """Compensation transfers (count, amount) per currency, all time or since a moment."""
    transfers = Transfer.objects.filter(code="compensation")
    if since is not None:
        transfers = transfers.filter(created_at__gte=since)
    rows = transfers.values("currency").annotate(n=Count("id"), total=Sum("amount")).order_by("currency")
    return {row["currency"]: (int(row["n"]), int(row["total"] or 0)) for row in rows}


def webhook_deliveries() -> dict[str, int]:
    rows = WebhookDelivery.objects.values("status").annotate(n=Count("id")).order_by("status")
    return {row["status"]: int(row["n"]) for row in rows}


def webhook_attempt_failures(since: Any = None) -> int:
    attempts = WebhookAttempt.objects.filter(Q(status_code__isnull=True) | ~Q(status_code__range=(200, 299)))
    if since is not None:
        attempts = attempts.filter(attempted_at__gte=since)
    return attempts.count()


@dataclass
class VitalMetrics:
    queue: dict[tuple[str, str], int]
    escrow: dict[str, int]
    compensations: dict[str, tuple[int, int]]
    webhook_deliveries: dict[str, int]
    webhook_attempt_failures: int
    workers_alive: int
    disputes_open: dict[str, int] | None
    risk_queue: int | None = None


def vital_metrics() -> VitalMetrics:
    """What `/metrics` reports from the database at each scrape."""
    disputes = disputes_open_by_stage()
    return VitalMetrics(
        queue=job_queue(),
        escrow=escrow_held(),
        compensations=compensations(),
        webhook_deliveries=webhook_deliveries(),
        webhook_attempt_failures=webhook_attempt_failures(),
        workers_alive=workers_alive(),
        disputes_open=None if disputes is None else {stage: sum(ages.values()) for stage, ages in disputes.items()},
        risk_queue=risk_queue_size(),
    )


@dataclass
class VitalSigns:
    """The staff dashboard's numbers."""

    escrow: dict[str, int]
    orders_by_status: dict[str, int]
    late_shipments: int
    late_shipments_oldest: date | None
    compensation_week: dict[str, tuple[int, int]]
    webhook_failed_deliveries: int
    webhook_failed_attempts_week: int
    queue_by_status: dict[str, int]
    workers_alive: int
    disputes: dict[str, dict[str, int]] | None
    risk_queue: int | None
    late_by_days: dict[str, int] = field(default_factory=dict)


def late_shipments(today: date) -> tuple[int, date | None, dict[str, int]]:
    """Paid orders past their ship-by date and not shipped: how many, the oldest deadline, by lateness."""
    late = Order.objects.filter(status__in=NOT_SHIPPED, ship_deadline__lt=today, test_clock__isnull=True)
    aggregate = late.aggregate(n=Count("id"), oldest=Min("ship_deadline"))
    by_days = (
        {
            "1_3": late.filter(ship_deadline__gte=today - timedelta(days=3)).count(),
            "4_7": late.filter(
                ship_deadline__lt=today - timedelta(days=3), ship_deadline__gte=today - timedelta(days=7)
            ).count(),
            "8_plus": late.filter(ship_deadline__lt=today - timedelta(days=7)).count(),
        }
        if aggregate["n"]
        else {}
    )
    return int(aggregate["n"] or 0), aggregate["oldest"], by_days


def vital_signs() -> VitalSigns:
    now = clock.real_now()
    week_ago = now - timedelta(days=7)
    by_status = dict(Order.objects.order_by().values_list("status").annotate(n=Count("id")))
    late, oldest, by_days = late_shipments(now.date())
    queue: dict[str, int] = {}
    for (_queue, status), n in job_queue().items():
        queue[status] = queue.get(status, 0) + n
    return VitalSigns(
        escrow=escrow_held(),
        orders_by_status={status: int(n) for status, n in by_status.items()},
        late_shipments=late,
        late_shipments_oldest=oldest,
        late_by_days=by_days,
        compensation_week=compensations(since=week_ago),
        webhook_failed_deliveries=WebhookDelivery.objects.filter(status=DeliveryStatus.FAILED).count(),
        webhook_failed_attempts_week=webhook_attempt_failures(since=week_ago),
        queue_by_status=queue,
        workers_alive=workers_alive(),
        disputes=disputes_open_by_stage(),
        risk_queue=risk_queue_size(),
    )
