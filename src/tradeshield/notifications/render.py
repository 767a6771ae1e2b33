"""Notifications and webhooks as the API returns them (the web pages use the same dicts)."""

from __future__ import annotations

import json
from typing import Any

from tradeshield.notifications import catalogue, risk_notices, supplier_events
from tradeshield.notifications.models import Notification, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tradeshield.notifications.text import render_text


def render_notification(notification: Notification) -> dict[str, Any]:
    """In the active language: the request's, or the one a caller chose with `translation.override`."""
    if notification.supplier_event_id:
        return supplier_events.render_notification(notification)
    if notification.risk_case_id:
        return risk_notices.render_notification(notification)
    event = notification.event
    assert event is not None
    text = render_text(event, notification.side)
    return {
        "id": notification.id,
        "type": catalogue.webhook_type(event.kind, event.data or {}),
        "order_id": event.order_id,
        # An agency cannot open the order; its notices point at the inspection instead.
        "inspection_id": (event.data or {}).get("inspection_id") if notification.side == "agency" else None,
        "link": None,
        "title": text.title,
        "body": text.body,
        "read": notification.read_at is not None,
        "read_at": notification.read_at,
        "created_at": notification.created_at,
    }


def render_endpoint(endpoint: WebhookEndpoint, secret: str | None = None) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": endpoint.event_types,
        "enabled": endpoint.enabled,
        "previous_secret_expires_at": endpoint.previous_secret_expires_at if endpoint.previous_secret else None,
        "created_at": endpoint.created_at,
        "updated_at": endpoint.updated_at,
        "secret": secret,
    }


def render_attempt(attempt: WebhookAttempt) -> dict[str, Any]:
    return {
        "number": attempt.number,
        "manual": attempt.manual,
        "attempted_at": attempt.attempted_at,
        "duration_ms": attempt.duration_ms,
        "status_code": attempt.status_code,
        "error": attempt.error,
        "response_excerpt": attempt.response_excerpt,
        "next_attempt_at": attempt.next_attempt_at,
    }


def render_delivery(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "endpoint_id": delivery.endpoint_id,
        "message_id": delivery.message_id,
        "event_type": delivery.event_type,
        "is_test": delivery.is_test,
        "status": delivery.status,
        "attempt_count": delivery.attempt_count,
        "next_attempt_at": delivery.next_attempt_at,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "delivered_at": delivery.delivered_at,
        "payload": json.loads(delivery.body),
        "attempts": [render_attempt(a) for a in delivery.attempts.all()],
        "created_at": delivery.created_at,
        "updated_at": delivery.updated_at,
    }
