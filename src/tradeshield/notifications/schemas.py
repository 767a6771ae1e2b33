"""API shapes for notifications and webhook endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from tradeshield.kit.schemas import StrictIn
from tradeshield.notifications.catalogue import EVENT_TYPES

TYPES_HELP = (
    'Event types to receive; empty for all. "noun.*" takes every type of a noun. Known types: '
    + ", ".join(EVENT_TYPES)
    + "."
)


class NotificationOut(Schema):
    id: str
    type: str = Field(..., description="The event type, as webhooks name it.")
    order_id: str | None = Field(None, description="The order the notice is about (none for qualification notices).")
    link: str | None = Field(None, description="For notices not about an order: the page to open.")
    inspection_id: str | None = Field(None, description="For an inspection agency: the visit the notice is about.")
    title: str = Field(..., description="In the language the request asked for (Accept-Language).")
    body: str
    read: bool
    read_at: datetime | None
    created_at: datetime


class NotificationPage(Schema):
    data: list[NotificationOut]
    next_cursor: str | None


class UnreadCountOut(Schema):
    unread: int


class ReadAllOut(Schema):
    marked_read: int


class WebhookEndpointIn(StrictIn):
    url: str = Field(..., max_length=2000, description="https:// (or http://) URL that receives POSTs.")
    description: str = Field("", max_length=200)
    event_types: list[str] = Field(default_factory=list, max_length=100, description=TYPES_HELP)
    enabled: bool = True


class WebhookEndpointPatch(StrictIn):
    url: str | None = Field(None, max_length=2000)
    description: str | None = Field(None, max_length=200)
    event_types: list[str] | None = Field(None, max_length=100, description=TYPES_HELP)
    enabled: bool | None = None


class WebhookEndpointOut(Schema):
    id: str
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    previous_secret_expires_at: datetime | None = Field(
        None, description="After a rotation, the old secret also signs messages until then."
    )
    created_at: datetime
    updated_at: datetime
    secret: str | None = Field(None, description="whsec_…: only in the response that created or rotated it.")


class WebhookAttemptOut(Schema):
    number: int
    manual: bool
    attempted_at: datetime
    duration_ms: int
    status_code: int | None
    error: str
    response_excerpt: str
    next_attempt_at: datetime | None


class WebhookDeliveryOut(Schema):
    id: str
    endpoint_id: str
    message_id: str = Field(..., description="The webhook-id header; the same on every retry and replay.")
    event_type: str
    is_test: bool
    status: str = Field(..., description="pending, succeeded or failed.")
    attempt_count: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    delivered_at: datetime | None
    payload: dict[str, Any]
    attempts: list[WebhookAttemptOut]
    created_at: datetime
    updated_at: datetime


class WebhookDeliveryPage(Schema):
    data: list[WebhookDeliveryOut]
    next_cursor: str | None
