"""Retry timing, and the compiled translations matching their sources."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polib
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


@pytest.mark.parametrize("language", ["es", "zh_Hans"])
def test_the_committed_catalogues_are_compiled_from_their_sources(language):
    """The .mo the app loads says exactly what its .po says (recompile with msgfmt after editing)."""
    source = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    compiled = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    assert _messages(compiled) == _messages(source)


@pytest.mark.parametrize("language", ["es", "zh_Hans"])
def test_every_catalogued_string_is_translated(language):
    source = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in source if not e.obsolete and ("fuzzy" in e.flags or not e.translated())]
    assert missing == []


def _messages(catalogue: polib._BaseFile) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """Translated entries by (context, singular, plural); headers, fuzzy and obsolete ones are not compiled."""
    return {
        (e.msgctxt or "", e.msgid, e.msgid_plural): tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural))
        if e.msgid_plural
        else (e.msgstr,)
        for e in catalogue
        if e.msgid and not e.obsolete and "fuzzy" not in e.flags and (e.msgstr or any(e.msgstr_plural.values()))
    }
