"""Daily (hourly, to catch up quickly after downtime) sweep for expiring qualification items."""

from __future__ import annotations

from procrastinate.contrib.django import app

from tradeshield.suppliers.expiry import expiry_sweep


@app.periodic(cron="17 * * * *", periodic_id="suppliers_expiry_sweep")
@app.task(name="suppliers.expiry_sweep", queue="maintenance", queueing_lock="suppliers_expiry_sweep")
def suppliers_expiry_sweep(timestamp: int) -> int:
    return expiry_sweep()
