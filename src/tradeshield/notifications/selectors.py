"""Reads for notifications and webhooks, scoped to the person or organization asking."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tradeshield.notifications.errors import (
    NotificationNotFound,
    WebhookDeliveryNotFound,
    WebhookEndpointNotFound,
)
from tradeshield.notifications.models import Notification, WebhookDelivery, WebhookEndpoint
from tradeshield.organizations.models import Organization


def _of(user_id: str) -> QuerySet[Notification]:
    """With what rendering their text needs."""
    return Notification.objects.filter(user_id=user_id).select_related(
        "event__order__buyer", "event__order__supplier", "supplier_event__supplier", "risk_case"
    )


def notifications_for(
    user_id: str, *, unread_only: bool = False, cursor: str | None = None, limit: int = 20
) -> list[Notification]:
    """Newest first."""
    rows = _of(user_id)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    if cursor:
        rows = rows.filter(id__lt=cursor)
    return list(rows.order_by("-id")[:limit])


def notification_get(user_id: str, notification_id: str) -> Notification:
    notification = _of(user_id).filter(pk=notification_id).first()
    if notification is None:
        raise NotificationNotFound(_("No such notification."))
    return notification


def unread_count(user_id: str) -> int:
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()


def endpoints_for(organization: Organization) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(organization=organization).order_by("created_at", "id")


def endpoint_get(organization: Organization, endpoint_id: str) -> WebhookEndpoint:
    endpoint = endpoints_for(organization).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise WebhookEndpointNotFound(_("No such webhook endpoint."))
    return endpoint


def deliveries_for(
    endpoint: WebhookEndpoint, *, status: str | None = None, cursor: str | None = None, limit: int = 20
) -> list[WebhookDelivery]:
    """Newest first, each with its attempt log."""
    rows = WebhookDelivery.objects.filter(endpoint=endpoint).prefetch_related("attempts")
    if status:
        rows = rows.filter(status=status)
    if cursor:
        rows = rows.filter(id__lt=cursor)
    return list(rows.order_by("-id")[:limit])


def delivery_get(organization: Organization, delivery_id: str) -> WebhookDelivery:
    delivery = (
        WebhookDelivery.objects.filter(pk=delivery_id, endpoint__organization=organization)
        .select_related("endpoint")
        .prefetch_related("attempts")
        .first()
    )
    if delivery is None:
        raise WebhookDeliveryNotFound(_("No such webhook delivery."))
    return delivery
