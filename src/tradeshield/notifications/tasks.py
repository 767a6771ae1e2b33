"""Background jobs: relay each order event, send emails and webhooks, retry what is due, catch up.

`notifications.relay_order_event` is deferred by `orders.services.record_event` in the event's own
transaction. Everything here is idempotent, so a job that runs twice, or on two workers, is harmless.
"""

from __future__ import annotations

from procrastinate.contrib.django import app

from tradeshield.kit import jobs
from tradeshield.notifications import leases, risk_notices, services, supplier_events
from tradeshield.notifications.delivery import webhook_attempt
from tradeshield.notifications.emails import email_send
from tradeshield.notifications.models import EmailDelivery, WebhookDelivery

RETRY_BATCH = 500


@app.task(name="notifications.relay_order_event", queue="notifications")
def relay_order_event(order_event_id: int) -> bool:
    return services.relay_event(order_event_id)


@app.task(name="notifications.relay_supplier_event", queue="notifications")
def relay_supplier_event(supplier_event_id: int) -> bool:
    return supplier_events.relay_supplier_event(supplier_event_id)


@app.task(name="notifications.relay_risk_case", queue="notifications")
def relay_risk_case(case_id: str) -> bool:
    return risk_notices.relay_risk_case(case_id)


@app.task(name="notifications.send_email", queue="notifications")
def send_email(email_id: str) -> str:
    email = email_send(email_id)
    return email.status if email else "skipped"


@app.task(name="notifications.deliver_webhook", queue="webhooks")
def deliver_webhook(delivery_id: str, manual: bool = False) -> str:
    delivery = webhook_attempt(delivery_id, manual=manual)
    return delivery.status if delivery else "skipped"


@app.periodic(cron="* * * * *", periodic_id="notifications_retry_due")
@app.task(name="notifications.retry_due", queue="notifications", queueing_lock="notifications_retry_due")
def retry_due(timestamp: int) -> int:
    """Queue an attempt for every email and webhook whose retry time has come."""
    queued = 0
    for email_id in leases.due(EmailDelivery, RETRY_BATCH):
        queued += jobs.defer(send_email.name, queue="notifications", queueing_lock=email_id, email_id=email_id)
    for delivery_id in leases.due(WebhookDelivery, RETRY_BATCH):
        queued += jobs.defer(deliver_webhook.name, queue="webhooks", queueing_lock=delivery_id, delivery_id=delivery_id)
    return queued


@app.periodic(cron="*/5 * * * *", periodic_id="notifications_catch_up")
@app.task(name="notifications.relay_missed_events", queue="notifications", queueing_lock="notifications_catch_up")
def relay_missed_events(timestamp: int) -> int:
    return services.relay_missed_events() + supplier_events.relay_missed() + risk_notices.relay_missed()
