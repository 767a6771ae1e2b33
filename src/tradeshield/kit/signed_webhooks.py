"""Verifying inbound signed notifications (Standard Webhooks: HMAC-SHA256 over `id.timestamp.body`).

Shared by every sender we accept notifications from (the bank, carriers); each caller supplies its own
secret(s). Secrets are `whsec_` + base64 of the key bytes, as in the specification.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable

from django.utils.translation import gettext as _

from tradeshield.kit import clock
from tradeshield.kit.errors import DomainError

TOLERANCE_SECONDS = 300


class SignatureInvalid(DomainError):
    code = "webhook_signature_invalid"
    status = 401


def secret_bytes(secret: str) -> bytes:
    raw = secret.removeprefix("whsec_")
    try:
        return base64.b64decode(raw)
    except ValueError:
        return raw.encode()


def sign(*, msg_id: str, timestamp: int, body: bytes, secret: str) -> str:
    digest = hmac.new(secret_bytes(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(
    *,
    msg_id: str,
    timestamp: str,
    signature_header: str,
    body: bytes,
    secrets: Iterable[str],
    tolerance_seconds: int = TOLERANCE_SECONDS,
) -> None:
    """Raise `SignatureInvalid` (401) unless one signature matches one secret within the time window.

    The timestamp is compared with wall-clock time (never a simulation clock): it guards against replays
    of captured messages, which the sender's clock and ours agree on.
    """
    if not msg_id or not timestamp or not signature_header:
        raise SignatureInvalid(_("Missing webhook-id, webhook-timestamp or webhook-signature header."))
    try:
        ts = int(timestamp)
    except ValueError:
        raise SignatureInvalid(_("webhook-timestamp must be Unix seconds.")) from None
    if abs(clock.real_now().timestamp() - ts) > tolerance_seconds:
        raise SignatureInvalid(_("The webhook timestamp is outside the tolerance window."))
    candidates = signature_header.split()
    for secret in secrets:
        expected = sign(msg_id=msg_id, timestamp=ts, body=body, secret=secret)
        if any(hmac.compare_digest(expected, candidate) for candidate in candidates):
            return
    raise SignatureInvalid(_("The webhook signature does not match."))
