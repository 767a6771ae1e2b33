"""Verifying the bank's signed notifications (Standard Webhooks: HMAC-SHA256 over id.timestamp.body)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.conf import settings

from tradeshield.kit import clock
from tradeshield.kit.errors import DomainError

TOLERANCE_SECONDS = 300


class SignatureInvalid(DomainError):
    code = "webhook_signature_invalid"
    status = 401


def _secret_bytes(secret: str) -> bytes:
    raw = secret.removeprefix("whsec_")
    try:
        return base64.b64decode(raw)
    except ValueError:
        return raw.encode()


def sign(*, msg_id: str, timestamp: int, body: bytes, secret: str | None = None) -> str:
    key = _secret_bytes(secret or settings.TRADESHIELD_BANK_WEBHOOK_SECRET)
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(*, msg_id: str, timestamp: str, signature_header: str, body: bytes) -> None:
    if not msg_id or not timestamp or not signature_header:
        raise SignatureInvalid("Missing webhook-id, webhook-timestamp or webhook-signature header.")
    try:
        ts = int(timestamp)
    except ValueError:
        raise SignatureInvalid("webhook-timestamp must be Unix seconds.") from None
    if abs(clock.real_now().timestamp() - ts) > TOLERANCE_SECONDS:
        raise SignatureInvalid("The webhook timestamp is outside the tolerance window.")
    expected = sign(msg_id=msg_id, timestamp=ts, body=body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signature_header.split()):
        raise SignatureInvalid("The webhook signature does not match.")
