"""Sending one webhook attempt and logging it. Runs only in jobs, never in a request.

Short timeouts, no redirects, no proxies from the environment, and at most a little of the response
is read, so a slow or hostile receiver costs a worker seconds, not minutes. Any 2xx is success.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.db import transaction

from tradeshield.kit import clock
from tradeshield.notifications import leases
from tradeshield.notifications.backoff import WEBHOOK_BACKOFF
from tradeshield.notifications.destinations import refusal
from tradeshield.notifications.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tradeshield.notifications.signing import signed_headers

EXCERPT_BYTES = 1024
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    status_code: int | None = None
    error: str = ""
    excerpt: str = ""
    duration_ms: int = 0
    final: bool = False  # retrying cannot help


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> Outcome:
    refused = refusal(endpoint.url)
    if refused:
        return Outcome(error=refused)
    seconds = float(settings.TRADESHIELD_WEBHOOK_TIMEOUT_SECONDS)
    headers = signed_headers(endpoint, delivery.message_id, delivery.body)
    started = time.monotonic()
    status, excerpt, error = None, "", ""
    try:
        with (
            httpx.Client(timeout=seconds, follow_redirects=False, trust_env=False) as client,
            client.stream("POST", endpoint.url, content=delivery.body.encode(), headers=headers) as response,
        ):
            status = response.status_code
            chunk = b""
            for part in response.iter_raw(EXCERPT_BYTES):
                chunk += part
                if len(chunk) >= EXCERPT_BYTES or time.monotonic() - started > seconds:
                    break
            excerpt = chunk[:EXCERPT_BYTES].decode(errors="replace")
    except httpx.TimeoutException:
        error = f"No response within {seconds:g} s."
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    duration_ms = int((time.monotonic() - started) * 1000)
    if status is not None and not 200 <= status < 300:
        error = f"HTTP {status}"
    return Outcome(status_code=status, error=error, excerpt=excerpt, duration_ms=duration_ms)


def webhook_attempt(delivery_id: str, *, manual: bool = False) -> WebhookDelivery | None:
    """One attempt at one delivery; None when it is not due or already being sent.

    `manual` (a replay asked for by a person) sends whatever the delivery's state. Automatic
    attempts to an endpoint disabled since are not sent and end the delivery as failed.
    """
    if not leases.claim(WebhookDelivery, delivery_id, manual=manual):
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    attempted_at = clock.now()
    if endpoint.enabled or manual or delivery.is_test:
        try:
            outcome = _post(endpoint, delivery)
        except Exception as exc:  # a failed attempt is logged and retried, never left leased
            logger.exception("Webhook delivery %s failed unexpectedly", delivery.id)
            outcome = Outcome(error=f"Internal error: {type(exc).__name__}")
    else:
        outcome = Outcome(error="The endpoint is disabled.", final=True)
    now = clock.now()
    with transaction.atomic():
        retry = not (outcome.final or delivery.is_test)
        leases.settle(delivery, error=outcome.error, backoff=WEBHOOK_BACKOFF, retry=retry, now=now)
        delivery.last_status_code = outcome.status_code
        delivery.save(update_fields=[*leases.SETTLED_FIELDS, "last_status_code"])
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempt_count,
            manual=manual,
            attempted_at=attempted_at,
            duration_ms=outcome.duration_ms,
            status_code=outcome.status_code,
            error=outcome.error,
            response_excerpt=outcome.excerpt,
            next_attempt_at=delivery.next_attempt_at,
        )
    return delivery
