"""The one clock domain code reads. Tests and simulations may pin or advance it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

_local = threading.local()
_frozen: datetime | None = None


def now() -> datetime:
    pinned = getattr(_local, "pinned", None) or _frozen
    return pinned if pinned is not None else datetime.now(UTC)


def today() -> date:
    return now().date()


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Pin the clock (for every thread) while the block runs."""
    global _frozen
    previous = _frozen
    _frozen = moment
    try:
        yield
    finally:
        _frozen = previous


def add_business_days(start: date, days: int) -> date:
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current
