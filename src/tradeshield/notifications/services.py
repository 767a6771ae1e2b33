"""Relaying order events to every channel, and reading in-app notifications.

`relay_event` runs in the relay job (and the catch-up sweep). It claims the event with
`INSERT … ON CONFLICT DO NOTHING` on `RelayedEvent`, then creates, in the same transaction, one row
per (event, person) for in-app and email, and one per (event, endpoint) for webhooks; sending
happens in later jobs. Two relays of one event therefore create everything once.
"""

from __future__ import annotations

import logging

from django.db import connection, transaction
from django.utils.translation import gettext as _

from tradeshield.kit import clock, jobs
from tradeshield.notifications import catalogue
from tradeshield.notifications.errors import NotificationNotFound
from tradeshield.notifications.models import (
    EmailDelivery,
    Notification,
    RelayedEvent,
    WebhookDelivery,
    WebhookEndpoint,
)
from tradeshield.notifications.payloads import event_body
from tradeshield.orders.models import Order, OrderEvent
from tradeshield.organizations.models import Membership

logger = logging.getLogger(__name__)
SEND_EMAIL_TASK = "notifications.send_email"
DELIVER_WEBHOOK_TASK = "notifications.deliver_webhook"
CATCH_UP_BATCH = 200


def _claim(event_id: int) -> str | None:
    """Mark the event relayed; its public message id, or None if it was relayed already."""
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {RelayedEvent._meta.db_table} (event_id, message_id, relayed_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (event_id) DO NOTHING RETURNING message_id",
            [event_id, RelayedEvent._meta.get_field("message_id").get_default(), clock.now()],
        )
        row = cur.fetchone()
    return str(row[0]) if row else None


def _actor_side(event: OrderEvent, order: Order) -> str | None:
    if event.actor_org == order.buyer_id:
        return "buyer"
    if event.actor_org == order.supplier_id:
        return "supplier"
    return None


@transaction.atomic
def relay_event(event_id: int) -> bool:
    """Create the notices, emails and webhook deliveries of one event; False if already relayed."""
    event = OrderEvent.objects.select_related("order__buyer", "order__supplier").filter(pk=event_id).first()
    if event is None:
        return False
    message_id = _claim(event_id)
    if message_id is None:
        return False
    order = event.order
    rule = catalogue.rule_for(event.kind, event.data)
    actor_side = _actor_side(event, order)
    org_side = {order.buyer_id: "buyer", order.supplier_id: "supplier"}
    in_app = catalogue.sides_for(rule.in_app, actor_side)
    by_email = catalogue.sides_for(rule.email, actor_side)
    members = Membership.objects.filter(organization_id__in=org_side, user__is_active=True).select_related("user")
    notices, emails = [], []
    for member in members:
        side = org_side[member.organization_id]
        if member.user.email == event.actor:
            continue
        if side in in_app:
            notices.append(Notification(user=member.user, event=event, side=side, created_at=event.created_at))
        if side in by_email:
            emails.append(EmailDelivery(event=event, user=member.user, side=side, to_address=member.user.email))
    agency_id = (event.data or {}).get("agency_id")
    if rule.agency and agency_id:
        agency_members = Membership.objects.filter(organization_id=agency_id, user__is_active=True)
        for member in agency_members.select_related("user"):
            if member.user.email != event.actor:
                notices.append(Notification(user=member.user, event=event, side="agency", created_at=event.created_at))
                emails.append(EmailDelivery(event=event, user=member.user, side="agency", to_address=member.user.email))
    Notification.objects.bulk_create(notices, ignore_conflicts=True)
    EmailDelivery.objects.bulk_create(emails, ignore_conflicts=True)
    for email in emails:
        jobs.defer(SEND_EMAIL_TASK, queue="notifications", email_id=email.id)
    _queue_webhooks(event, message_id)
    return True


def _queue_webhooks(event: OrderEvent, message_id: str) -> None:
    order = event.order
    event_type = catalogue.webhook_type(event.kind, event.data or {})
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(
            organization_id__in=(order.buyer_id, order.supplier_id), enabled=True
        ).order_by("id")
        if catalogue.type_matches(event_type, endpoint.event_types)
    ]
    if not endpoints:
        return
    body = event_body(event, message_id=message_id, event_type=event_type)
    deliveries = [
        WebhookDelivery(endpoint=endpoint, event=event, message_id=message_id, event_type=event_type, body=body)
        for endpoint in endpoints
    ]
    WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    for delivery in deliveries:
        jobs.defer(DELIVER_WEBHOOK_TASK, queue="webhooks", delivery_id=delivery.id)


def relay_missed_events(limit: int = CATCH_UP_BATCH) -> int:
    """Relay events whose relay job never ran or failed. One event that cannot be relayed (it is
    logged, and tried again next time) does not hold up the others."""
    missed = list(
        OrderEvent.objects.exclude(pk__in=RelayedEvent.objects.values("event_id"))
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    relayed = 0
    for event_id in missed:
        try:
            relayed += relay_event(event_id)
        except Exception:
            logger.exception("Could not relay order event %s", event_id)
    return relayed


def notification_mark_read(*, user_id: str, notification_id: str) -> Notification:
    notification = Notification.objects.filter(pk=notification_id, user_id=user_id).first()
    if notification is None:
        raise NotificationNotFound(_("No such notification."))
    if notification.read_at is None:
        now = clock.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notification_mark_all_read(*, user_id: str) -> int:
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).update(read_at=clock.now())
