"""Nightly refresh of every rating, and the debounced per-supplier refresh deferred by events."""

from __future__ import annotations

from procrastinate.contrib.django import app

from tradeshield.credit.services import rating_refresh


@app.periodic(cron="30 2 * * *", periodic_id="credit_nightly")
@app.task(name="credit.refresh_all", queue="credit", queueing_lock="credit_refresh_all")
def refresh_all(timestamp: int) -> int:
    return rating_refresh(cause="nightly").rated


@app.task(name="credit.refresh_supplier", queue="credit")
def refresh_supplier(supplier_id: str) -> int:
    return rating_refresh(supplier_ids=[supplier_id], cause="event").changed
