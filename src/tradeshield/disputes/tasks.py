"""The real-time deadline sweep: every minute, on any worker; safe with many workers at once."""

from __future__ import annotations

from procrastinate.contrib.django import app

from tradeshield.disputes.deadlines import sweep


@app.periodic(cron="* * * * *", periodic_id="disputes_sweep")
@app.task(name="disputes.sweep", queue="protections", queueing_lock="disputes_sweep")
def disputes_sweep(timestamp: int) -> int:
    return sum(sweep().values())
