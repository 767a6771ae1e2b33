"""The one clock domain code reads. Tests and simulations may pin or advance it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta

# A simulation clock's time for the work running in this context (a request, a sweep step).
_simulated: ContextVar[datetime | None] = ContextVar("tradeshield_simulated_time", default=None)
_frozen: datetime | None = None


def now() -> datetime:
    simulated = _simulated.get()
    if simulated is not None:
        return simulated
    return _frozen if _frozen is not None else datetime.now(UTC)


def real_now() -> datetime:
    """Wall-clock time, for security and infrastructure (token expiry, locks), never simulated."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def is_simulated() -> bool:
    return _simulated.get() is not None


@contextmanager
def simulated_at(moment: datetime) -> Iterator[None]:
    """Run the block on a simulation clock standing at `moment` (this context only)."""
    token = _simulated.set(moment)
    try:
        yield
    finally:
        _simulated.reset(token)


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
