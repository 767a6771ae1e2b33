"""Writes for webhook endpoints: create, change, delete, rotate the secret, ping, replay a delivery.

Secrets are returned once, by the call that made them. After a rotation the old secret keeps
signing (beside the new one) for `PREVIOUS_SECRET_HOURS`, so receivers can switch without a gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from tradeshield.accounts.models import User
from tradeshield.kit import clock, jobs
from tradeshield.kit.ids import new_id
from tradeshield.notifications import catalogue
from tradeshield.notifications.destinations import check_url
from tradeshield.notifications.errors import WebhookDeliveryNotFound, WebhookEndpointNotFound, WebhookInvalid
from tradeshield.notifications.models import WebhookDelivery, WebhookEndpoint
from tradeshield.notifications.payloads import test_body
from tradeshield.notifications.services import DELIVER_WEBHOOK_TASK
from tradeshield.notifications.signing import new_secret
from tradeshield.organizations.models import Organization

MAX_ENDPOINTS = 16
MAX_DESCRIPTION = 200
PREVIOUS_SECRET_HOURS = 24


@dataclass(frozen=True)
class EndpointChanges:
    url: str | None = None
    description: str | None = None
    event_types: list[str] | None = None
    enabled: bool | None = None


def _check_types(patterns: list[str]) -> list[str]:
    for index, pattern in enumerate(patterns):
        if not catalogue.valid_pattern(pattern):
            raise WebhookInvalid(
                _("Unknown event type %(event_type)s.") % {"event_type": repr(pattern)},
                field=f"event_types[{index}]",
                code="unknown_event_type",
            )
    return sorted(set(patterns))


def _check_description(description: str) -> str:
    if len(description) > MAX_DESCRIPTION:
        raise WebhookInvalid(_("At most %(limit)s characters.") % {"limit": MAX_DESCRIPTION}, field="description")
    return description.strip()


def _endpoint(organization: Organization, endpoint_id: str, *, lock: bool = False) -> WebhookEndpoint:
    rows = WebhookEndpoint.objects.select_for_update() if lock else WebhookEndpoint.objects.all()
    endpoint = rows.filter(pk=endpoint_id, organization=organization).first()
    if endpoint is None:
        raise WebhookEndpointNotFound(_("No such webhook endpoint."))
    return endpoint


@transaction.atomic
def webhook_endpoint_create(
    *,
    organization: Organization,
    url: str,
    description: str = "",
    event_types: list[str] | None = None,
    enabled: bool = True,
    created_by: User | None = None,
) -> tuple[WebhookEndpoint, str]:
    """Create an endpoint; returns it with its signing secret, which is not shown again."""
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    if WebhookEndpoint.objects.filter(organization=organization).count() >= MAX_ENDPOINTS:
        raise WebhookInvalid(
            _("An organization has at most %(max)s webhook endpoints.") % {"max": MAX_ENDPOINTS}, code="too_many"
        )
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(
        organization=organization,
        url=check_url(url),
        description=_check_description(description),
        event_types=_check_types(event_types or []),
        enabled=enabled,
        secret=secret,
        created_by=created_by,
    )
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_update(
    *, organization: Organization, endpoint_id: str, changes: EndpointChanges
) -> WebhookEndpoint:
    endpoint = _endpoint(organization, endpoint_id, lock=True)
    if changes.url is not None:
        endpoint.url = check_url(changes.url)
    if changes.description is not None:
        endpoint.description = _check_description(changes.description)
    if changes.event_types is not None:
        endpoint.event_types = _check_types(changes.event_types)
    if changes.enabled is not None:
        endpoint.enabled = changes.enabled
    endpoint.updated_at = clock.now()
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, organization: Organization, endpoint_id: str) -> None:
    """Delete the endpoint with its delivery log; nothing more is sent to it."""
    _endpoint(organization, endpoint_id, lock=True).delete()


@transaction.atomic
def webhook_endpoint_rotate_secret(*, organization: Organization, endpoint_id: str) -> tuple[WebhookEndpoint, str]:
    endpoint = _endpoint(organization, endpoint_id, lock=True)
    secret = new_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = clock.real_now() + timedelta(hours=PREVIOUS_SECRET_HOURS)
    endpoint.secret = secret
    endpoint.updated_at = clock.now()
    endpoint.save()
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_ping(*, organization: Organization, endpoint_id: str) -> WebhookDelivery:
    """Queue a `webhook.test` message to the endpoint (sent once, even if it is disabled)."""
    endpoint = _endpoint(organization, endpoint_id)
    message_id = new_id("msg")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id=message_id,
        event_type=catalogue.TEST_EVENT_TYPE,
        body=test_body(endpoint, message_id=message_id),
        is_test=True,
    )
    jobs.defer(DELIVER_WEBHOOK_TASK, queue="webhooks", delivery_id=delivery.id)
    return delivery


@transaction.atomic
def webhook_delivery_replay(*, organization: Organization, delivery_id: str) -> WebhookDelivery:
    """Send a delivery again now, with the same message id and body, whatever its state."""
    delivery = (
        WebhookDelivery.objects.select_related("endpoint")
        .filter(pk=delivery_id, endpoint__organization=organization)
        .first()
    )
    if delivery is None:
        raise WebhookDeliveryNotFound(_("No such webhook delivery."))
    jobs.defer(DELIVER_WEBHOOK_TASK, queue="webhooks", delivery_id=delivery.id, manual=True)
    return delivery
