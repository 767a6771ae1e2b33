"""The escalation sweep: every minute, any worker; idempotent through one Escalation row per breach."""

from __future__ import annotations

from procrastinate.contrib.django import app

from tradeshield.support.services import escalate_breached


@app.periodic(cron="* * * * *", periodic_id="support_escalations")
@app.task(name="support.escalate", queue="support", queueing_lock="support_escalations")
def support_escalate(timestamp: int) -> int:
    return escalate_breached()
