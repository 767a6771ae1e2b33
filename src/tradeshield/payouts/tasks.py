"""Periodic payout work: confirmations every minute, the daily settlement batch, reserve releases."""

from __future__ import annotations

from procrastinate.contrib.django import app

from tradeshield.payouts import services


@app.periodic(cron="* * * * *", periodic_id="payouts_confirm")
@app.task(name="payouts.confirm", queue="payouts", queueing_lock="payouts_confirm")
def payouts_confirm(timestamp: int) -> int:
    return services.payouts_settle_in_transit()


@app.periodic(cron="0 6 * * *", periodic_id="payouts_settlement_batch")
@app.task(name="payouts.settlement_batch", queue="payouts", queueing_lock="payouts_settlement_batch")
def payouts_settlement_batch(timestamp: int) -> int:
    return services.settlement_batch_run()


@app.periodic(cron="17 * * * *", periodic_id="payouts_reserve_release")
@app.task(name="payouts.reserve_release", queue="payouts", queueing_lock="payouts_reserve_release")
def payouts_reserve_release(timestamp: int) -> int:
    return services.reserves_release_due()
