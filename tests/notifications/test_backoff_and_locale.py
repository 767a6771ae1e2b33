"""Retry timing, and the compiled translations matching their sources."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import tradeshield
from tradeshield.notifications import backoff
from tradeshield.notifications.backoff import EMAIL_BACKOFF, WEBHOOK_BACKOFF

T0 = datetime(2027, 1, 1, tzinfo=UTC)
LOCALE = Path(tradeshield.__file__).parent / "locale"


def schedule() -> list[timedelta]:
    """Delays before each retry while every attempt fails, from the first attempt until giving up."""
    delays, now, attempt = [], T0, 1
    while (next_at := WEBHOOK_BACKOFF.next_attempt(attempt=attempt, first_attempted_at=T0, now=now)) is not None:
        delays.append(next_at - now)
        now, attempt = next_at, attempt + 1
    return delays


def test_webhooks_are_retried_for_at_least_three_days_with_growing_ceilings(monkeypatch):
    monkeypatch.setattr(backoff, "random_fraction", lambda: 1.0)
    delays = schedule()
    assert [d.total_seconds() for d in delays[:4]] == [5, 300, 1800, 7200]
    assert delays[-1] == timedelta(hours=24) and sum(delays, timedelta()) >= timedelta(hours=72)


@pytest.mark.parametrize("fraction", [0.0, 0.37, 0.999])
def test_full_jitter_stays_between_a_second_and_the_ceiling(monkeypatch, fraction):
    monkeypatch.setattr(backoff, "random_fraction", lambda: fraction)
    for attempt in range(1, 12):
        now = T0 + timedelta(hours=1)
        wait = WEBHOOK_BACKOFF.next_attempt(attempt=attempt, first_attempted_at=T0, now=now)
        assert wait is not None
        assert timedelta(seconds=1) <= wait - now <= WEBHOOK_BACKOFF.ceiling(attempt)
    assert WEBHOOK_BACKOFF.next_attempt(attempt=3, first_attempted_at=T0, now=T0 + timedelta(hours=72)) is None
    assert EMAIL_BACKOFF.next_attempt(attempt=3, first_attempted_at=T0, now=T0 + timedelta(hours=24)) is None


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("language", ["es", "zh_Hans"])
def test_the_committed_catalogues_are_compiled_from_their_sources(tmp_path, language):
    source = LOCALE / language / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(source)], check=True)
    assert compiled.read_bytes() == (LOCALE / language / "LC_MESSAGES" / "django.mo").read_bytes()
