"""The real-time sweep: every minute, any worker; safe with many workers at once."""

from __future__ import annotations

from procrastinate.contrib.django import app

from tradeshield.protections.services import sweep


@app.periodic(cron="* * * * *", periodic_id="protections_sweep")
@app.task(name="protections.sweep", queue="protections", queueing_lock="protections_sweep")
def protections_sweep(timestamp: int) -> int:
    return sweep().total
