"""When to try a failed delivery again: exponential steps with full jitter, for at least a given time.

Attempt n waits a random time between 0 and the n-th ceiling (the last ceiling repeats), so receivers
that failed together are not retried together. A delivery is given up only once `give_up_after` has
passed since its first attempt, so the whole window is always covered.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

MIN_DELAY = timedelta(seconds=1)


def random_fraction() -> float:
    return random.random()


@dataclass(frozen=True)
class Backoff:
    ceilings: tuple[timedelta, ...]
    give_up_after: timedelta

    def ceiling(self, attempt: int) -> timedelta:
        """The longest wait after the `attempt`-th failed attempt (1-based)."""
        return self.ceilings[min(max(attempt, 1), len(self.ceilings)) - 1]

    def next_attempt(self, *, attempt: int, first_attempted_at: datetime, now: datetime) -> datetime | None:
        """When to try again after the `attempt`-th failure, or None to give up."""
        if now - first_attempted_at >= self.give_up_after:
            return None
        return now + max(MIN_DELAY, self.ceiling(attempt) * random_fraction())


def _s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


WEBHOOK_BACKOFF = Backoff(
    ceilings=(_s(5), _s(300), _s(1800), _s(7200), _s(18000), _s(36000), _s(36000), _s(86400)),
    give_up_after=timedelta(hours=72),
)
EMAIL_BACKOFF = Backoff(
    ceilings=(_s(30), _s(120), _s(600), _s(1800), _s(3600), _s(7200), _s(14400)),
    give_up_after=timedelta(hours=24),
)
