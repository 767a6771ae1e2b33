"""Notification and webhook endpoints: thin wrappers around services and selectors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from tradeshield.kit.errors import Forbidden
from tradeshield.kit.http import clamp_limit, page
from tradeshield.kit.schemas import ERROR_RESPONSES
from tradeshield.notifications import selectors, services, webhooks
from tradeshield.notifications.catalogue import EVENT_TYPES
from tradeshield.notifications.errors import PersonRequired
from tradeshield.notifications.render import render_delivery, render_endpoint, render_notification
from tradeshield.notifications.schemas import (
    NotificationOut,
    NotificationPage,
    ReadAllOut,
    UnreadCountOut,
    WebhookDeliveryOut,
    WebhookDeliveryPage,
    WebhookEndpointIn,
    WebhookEndpointOut,
    WebhookEndpointPatch,
)
from tradeshield.organizations.auth import API_AUTH, actor_of
from tradeshield.organizations.models import Organization

router = Router(auth=API_AUTH)
ERRORS = ERROR_RESPONSES
NOTIFICATIONS = ["notifications"]
WEBHOOKS = ["webhooks"]


def _person(request: HttpRequest) -> str:
    actor = actor_of(request)
    if actor.user is None:
        raise PersonRequired(_("Notifications belong to people: use a personal token or sign in."))
    return actor.user.id


def _owner(request: HttpRequest) -> Organization:
    actor = actor_of(request)
    if actor.organization is None or not actor.can("org.admin"):
        raise Forbidden(_("Only an organization owner manages webhook endpoints."), code="forbidden_role")
    return actor.organization


@router.get("/notifications", response={200: NotificationPage, **ERRORS}, tags=NOTIFICATIONS)
def list_notifications(
    request: HttpRequest, unread: bool = False, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    size = clamp_limit(limit)
    rows = selectors.notifications_for(_person(request), unread_only=unread, cursor=cursor, limit=size + 1)
    return page(rows, size, lambda n: n.id, render_notification)


@router.get("/notifications/unread-count", response={200: UnreadCountOut, **ERRORS}, tags=NOTIFICATIONS)
def unread_count(request: HttpRequest) -> dict[str, Any]:
    return {"unread": selectors.unread_count(_person(request))}


@router.post("/notifications/read-all", response={200: ReadAllOut, **ERRORS}, tags=NOTIFICATIONS)
def read_all(request: HttpRequest) -> dict[str, Any]:
    return {"marked_read": services.notification_mark_all_read(user_id=_person(request))}


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **ERRORS}, tags=NOTIFICATIONS)
def read_one(request: HttpRequest, notification_id: str) -> dict[str, Any]:
    user_id = _person(request)
    services.notification_mark_read(user_id=user_id, notification_id=notification_id)
    return render_notification(selectors.notification_get(user_id, notification_id))


@router.get("/webhook-event-types", response={200: list[str], **ERRORS}, tags=WEBHOOKS)
def event_types(request: HttpRequest) -> list[str]:
    actor_of(request)
    return list(EVENT_TYPES)


@router.get("/webhook-endpoints", response={200: list[WebhookEndpointOut], **ERRORS}, tags=WEBHOOKS)
def list_endpoints(request: HttpRequest) -> list[dict[str, Any]]:
    return [render_endpoint(e) for e in selectors.endpoints_for(_owner(request))]


@router.post(
    "/webhook-endpoints",
    response={201: WebhookEndpointOut, **ERRORS},
    tags=WEBHOOKS,
    summary="Add an endpoint; its signing secret is shown in this response only",
)
def create_endpoint(request: HttpRequest, payload: WebhookEndpointIn) -> Status[dict[str, Any]]:
    endpoint, secret = webhooks.webhook_endpoint_create(
        organization=_owner(request),
        url=payload.url,
        description=payload.description,
        event_types=payload.event_types,
        enabled=payload.enabled,
        created_by=actor_of(request).user,
    )
    return Status(201, render_endpoint(endpoint, secret))


@router.get("/webhook-endpoints/{endpoint_id}", response={200: WebhookEndpointOut, **ERRORS}, tags=WEBHOOKS)
def get_endpoint(request: HttpRequest, endpoint_id: str) -> dict[str, Any]:
    return render_endpoint(selectors.endpoint_get(_owner(request), endpoint_id))


@router.patch("/webhook-endpoints/{endpoint_id}", response={200: WebhookEndpointOut, **ERRORS}, tags=WEBHOOKS)
def update_endpoint(request: HttpRequest, endpoint_id: str, payload: WebhookEndpointPatch) -> dict[str, Any]:
    changes = webhooks.EndpointChanges(**payload.model_dump())
    return render_endpoint(
        webhooks.webhook_endpoint_update(organization=_owner(request), endpoint_id=endpoint_id, changes=changes)
    )


@router.delete("/webhook-endpoints/{endpoint_id}", response={204: None, **ERRORS}, tags=WEBHOOKS)
def delete_endpoint(request: HttpRequest, endpoint_id: str) -> Status[None]:
    webhooks.webhook_endpoint_delete(organization=_owner(request), endpoint_id=endpoint_id)
    return Status(204, None)


@router.post(
    "/webhook-endpoints/{endpoint_id}/rotate-secret",
    response={200: WebhookEndpointOut, **ERRORS},
    tags=WEBHOOKS,
    summary="New signing secret (shown once); the old one keeps signing for 24 hours",
)
def rotate_secret(request: HttpRequest, endpoint_id: str) -> dict[str, Any]:
    endpoint, secret = webhooks.webhook_endpoint_rotate_secret(organization=_owner(request), endpoint_id=endpoint_id)
    return render_endpoint(endpoint, secret)


@router.post(
    "/webhook-endpoints/{endpoint_id}/test",
    response={202: WebhookDeliveryOut, **ERRORS},
    tags=WEBHOOKS,
    summary="Queue a webhook.test message to the endpoint",
)
def ping_endpoint(request: HttpRequest, endpoint_id: str) -> Status[dict[str, Any]]:
    delivery = webhooks.webhook_endpoint_ping(organization=_owner(request), endpoint_id=endpoint_id)
    return Status(202, render_delivery(delivery))


@router.get(
    "/webhook-endpoints/{endpoint_id}/deliveries",
    response={200: WebhookDeliveryPage, **ERRORS},
    tags=WEBHOOKS,
    summary="The delivery log, newest first, with every attempt",
)
def list_deliveries(
    request: HttpRequest,
    endpoint_id: str,
    status: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    endpoint = selectors.endpoint_get(_owner(request), endpoint_id)
    size = clamp_limit(limit)
    rows = selectors.deliveries_for(endpoint, status=status, cursor=cursor, limit=size + 1)
    return page(rows, size, lambda d: d.id, render_delivery)


@router.get("/webhook-deliveries/{delivery_id}", response={200: WebhookDeliveryOut, **ERRORS}, tags=WEBHOOKS)
def get_delivery(request: HttpRequest, delivery_id: str) -> dict[str, Any]:
    return render_delivery(selectors.delivery_get(_owner(request), delivery_id))


@router.post(
    "/webhook-deliveries/{delivery_id}/replay",
    response={202: WebhookDeliveryOut, **ERRORS},
    tags=WEBHOOKS,
    summary="Send the delivery again now (same webhook-id and body)",
)
def replay_delivery(request: HttpRequest, delivery_id: str) -> Status[dict[str, Any]]:
    organization = _owner(request)
    webhooks.webhook_delivery_replay(organization=organization, delivery_id=delivery_id)
    return Status(202, render_delivery(selectors.delivery_get(organization, delivery_id)))
