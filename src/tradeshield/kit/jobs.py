"""Deferring background jobs from domain code, inside the caller's transaction.

A job deferred here exists only if the surrounding transaction commits (Procrastinate's Django
connector uses Django's connection). Lower layers defer tasks of higher layers by name, so the
import rule holds. With a queueing lock, a job already waiting absorbs the new request: the
duplicate insert is refused inside a savepoint, which keeps the caller's transaction usable.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from procrastinate import exceptions
from procrastinate.contrib.django import app

from tradeshield.kit.context import REQUEST_ID_ARG, current_request_id


def defer(task_name: str, *, queueing_lock: str | None = None, queue: str | None = None, **kwargs: Any) -> bool:
    """Defer `task_name(**kwargs)`; False when an identical locked job is already waiting."""
    options: dict[str, Any] = {}
    if queueing_lock:
        options["queueing_lock"] = queueing_lock
    if queue:
        options["queue"] = queue
    if (rid := current_request_id()) is not None:
        kwargs[REQUEST_ID_ARG] = rid  # taken out again by the worker's task middleware (ops.jobs)
    try:
        with transaction.atomic():
            app.configure_task(task_name, **options).defer(**kwargs)
    except exceptions.AlreadyEnqueued:
        return False
    return True
