"""Creating and moving simulation clocks. Firing what falls due is the protections domain's job."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from tradeshield.clocks.errors import ClockCannotGoBack, TestClockNotFound
from tradeshield.clocks.models import TestClock
from tradeshield.kit.errors import Invalid


def test_clock_create(*, name: str, start_at: datetime) -> TestClock:
    if start_at.tzinfo is None:
        raise Invalid(_("The start time needs a time zone (RFC 3339, e.g. 2026-11-25T06:00:00Z)."), field="start_at")
    return TestClock.objects.create(name=name.strip() or "sandbox", now_at=start_at)


def test_clock_lock(clock_id: str) -> TestClock:
    clock = TestClock.objects.select_for_update().filter(pk=clock_id).first()
    if clock is None:
        raise TestClockNotFound(
            _("No such test clock. Only simulation clocks can be advanced; real time cannot."), field="clock_id"
        )
    return clock


def test_clock_check_target(clock: TestClock, to: datetime) -> None:
    if to.tzinfo is None:
        raise Invalid(_("The target time needs a time zone."), field="to")
    if to < clock.now_at:
        raise ClockCannotGoBack(
            _("The clock stands at %(now)s; it only moves forward.") % {"now": clock.now_at.isoformat()}, field="to"
        )


def test_clock_set(clock: TestClock, to: datetime) -> TestClock:
    test_clock_check_target(clock, to)
    clock.now_at = to
    clock.save(update_fields=["now_at"])
    return clock
