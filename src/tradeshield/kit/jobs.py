"""Deferring background jobs from domain code, inside the caller's transaction.

A job deferred here exists only if the surrounding transaction commits (Procrastinate's Django
connector uses Django's connection). Lower layers defer tasks of higher layers by name, so the
import rule holds.

With a queueing lock, a job already waiting absorbs the new request. Inside a transaction the
waiting job is looked up first (one read, instead of a refused insert wrapped in a savepoint); a
duplicate that slips past the look-up (another transaction's job, committed just after it) is
refused inside a savepoint, which keeps the caller's transaction usable.

Only the unique index on a waiting job's queueing lock can refuse Procrastinate's insert (it is
the one source of AlreadyEnqueued; the `lock` index covers running jobs, ids come from a
sequence). So a job without a queueing lock needs no savepoint; any other database error
propagates, as it always did.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from procrastinate import exceptions
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from tradeshield.kit.context import REQUEST_ID_ARG, current_request_id
from tradeshield.kit.transactions import savepoint_if_in_transaction


def defer(
    task_name: str,
    *,
    queueing_lock: str | None = None,
    queue: str | None = None,
    schedule_in: dict[str, int] | None = None,
    **kwargs: Any,
) -> bool:
    """Defer `task_name(**kwargs)`; False when an identical locked job is already waiting.

    `schedule_in` ({"seconds": 60}) delays the job; with a queueing lock that makes a debounce: the
    requests that arrive while it waits are absorbed by it."""
    options: dict[str, Any] = {}
    if schedule_in:
        options["schedule_in"] = schedule_in
    if queueing_lock:
        options["queueing_lock"] = queueing_lock
    if queue:
        options["queue"] = queue
    if (rid := current_request_id()) is not None:
        kwargs[REQUEST_ID_ARG] = rid  # taken out again by the worker's task middleware (ops.jobs)
    task = app.configure_task(task_name, **options)
    if not queueing_lock:
        task.defer(**kwargs)  # nothing can refuse it: no savepoint
        return True
    if not transaction.get_autocommit() and job_waiting(queueing_lock):
        return False
    try:
        with savepoint_if_in_transaction():
            task.defer(**kwargs)
    except exceptions.AlreadyEnqueued:
        return False
    return True


def job_waiting(queueing_lock: str) -> bool:
    """Whether a job holding this queueing lock waits to run (one probe of the lock's unique index)."""
    return ProcrastinateJob.objects.filter(queueing_lock=queueing_lock, status="todo").exists()


# The credit rating is refreshed after events in lower layers (orders, reviews, messaging, suppliers)
# that cannot import `credit`: they call this, which defers credit's task by name in their transaction.
CREDIT_REFRESH_TASK = "credit.refresh_supplier"
CREDIT_DEBOUNCE_SECONDS = 60


def defer_credit_refresh(supplier_id: str) -> bool:
    """Refresh one supplier's credit rating once the current transaction commits, debounced: while a
    refresh waits (up to CREDIT_DEBOUNCE_SECONDS), further requests for the supplier are absorbed."""
    return defer(
        CREDIT_REFRESH_TASK,
        queueing_lock=f"credit_refresh:{supplier_id}",
        queue="credit",
        schedule_in={"seconds": CREDIT_DEBOUNCE_SECONDS},
        supplier_id=supplier_id,
    )
