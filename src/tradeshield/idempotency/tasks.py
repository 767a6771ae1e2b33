"""Keys are kept for TRADESHIELD_IDEMPOTENCY_TTL_HOURS (24 h by default), then purged hourly."""

from __future__ import annotations

from procrastinate.contrib.django import app

from tradeshield.idempotency.services import purge_expired


@app.periodic(cron="17 * * * *", periodic_id="idempotency_purge")
@app.task(name="idempotency.purge_expired", queue="maintenance", queueing_lock="idempotency_purge")
def purge_expired_keys(timestamp: int) -> int:
    return purge_expired()
