"""Carrier tracking notifications, signed the Standard Webhooks way (see `kit.signed_webhooks`).

Each carrier has its own secret, `TRADESHIELD_CARRIER_WEBHOOK_SECRETS` (`dhl=whsec_…,maersk=whsec_…`).
Outside production a carrier without one may sign with the sandbox secret
(`TRADESHIELD_CARRIER_SANDBOX_SECRET`), so integrators can try the endpoint; in production an unknown
carrier's notifications are refused like badly signed ones.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tradeshield.kit import signed_webhooks
from tradeshield.kit.signed_webhooks import SignatureInvalid

log = logging.getLogger(__name__)


def carrier_secrets(carrier: str) -> list[str]:
    own = settings.TRADESHIELD_CARRIER_WEBHOOK_SECRETS.get(carrier)
    if own:
        return [own]
    sandbox = settings.TRADESHIELD_CARRIER_SANDBOX_SECRET
    return [sandbox] if sandbox else []


def sign(*, carrier: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """What a carrier sends in `webhook-signature` (for tests, the sandbox and documentation)."""
    secrets = carrier_secrets(carrier)
    if not secrets:
        raise SignatureInvalid(
            _("No signing secret is configured for carrier %(carrier)s.") % {"carrier": repr(carrier)}
        )
    return signed_webhooks.sign(msg_id=msg_id, timestamp=timestamp, body=body, secret=secrets[0])


def verify_request(request: HttpRequest, carrier: str) -> str:
    """The notification's `webhook-id` if the signature is good; else 401, and one log line saying why
    (the carrier, the message id and the reason — never a secret or a signature)."""
    msg_id = request.headers.get("webhook-id", "")
    try:
        signed_webhooks.verify(
            msg_id=msg_id,
            timestamp=request.headers.get("webhook-timestamp", ""),
            signature_header=request.headers.get("webhook-signature", ""),
            body=request.body,
            secrets=carrier_secrets(carrier),
        )
    except SignatureInvalid as error:
        log.warning(
            "carrier notification refused: carrier=%s webhook_id=%.100r reason=%s", carrier, msg_id, error.message
        )
        raise
    return msg_id
