"""Working days (Monday to Friday). Public holidays differ by country and are not modelled."""

from __future__ import annotations

from datetime import date, timedelta


def is_working_day(day: date) -> bool:
    return day.weekday() < 5


def subtract_working_days(day: date, count: int) -> date:
    """The date `count` working days before `day` (from a weekend, counting starts at the Friday)."""
    current = day
    while count > 0:
        current -= timedelta(days=1)
        if is_working_day(current):
            count -= 1
    return current


def add_working_days(day: date, count: int) -> date:
    current = day
    while count > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            count -= 1
    return current
