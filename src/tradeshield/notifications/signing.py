"""Standard Webhooks signatures: `webhook-id`, `webhook-timestamp`, `webhook-signature` headers.

While a rotated-out secret is still honoured, messages carry a signature for each secret, so a
receiver can switch secrets without missing a message.
"""

from __future__ import annotations

import base64
import secrets

from standardwebhooks import Webhook

from tradeshield.kit import clock
from tradeshield.notifications.models import WebhookEndpoint

SECRET_PREFIX = "whsec_"
USER_AGENT = "TradeShield-Webhooks/1.0"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signing_secrets(endpoint: WebhookEndpoint) -> list[str]:
    keys = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires and expires > clock.real_now():
        keys.append(endpoint.previous_secret)
    return keys


def signed_headers(endpoint: WebhookEndpoint, message_id: str, body: str) -> dict[str, str]:
    """Headers for one attempt. The timestamp is wall-clock time even under a simulation clock,
    because receivers check it against their own clock to refuse replays."""
    at = clock.real_now()
    signatures = [Webhook(key).sign(message_id, at, body) for key in signing_secrets(endpoint)]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }
