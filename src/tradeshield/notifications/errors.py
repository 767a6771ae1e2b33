"""Typed errors of the notifications domain."""

from __future__ import annotations

from tradeshield.kit.errors import Forbidden, Invalid, NotFound


class NotificationNotFound(NotFound):
    code = "notification_not_found"


class PersonRequired(Forbidden):
    code = "person_required"


class WebhookEndpointNotFound(NotFound):
    code = "webhook_endpoint_not_found"


class WebhookDeliveryNotFound(NotFound):
    code = "webhook_delivery_not_found"


class WebhookInvalid(Invalid):
    code = "webhook_invalid"
