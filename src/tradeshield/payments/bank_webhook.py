"""Verifying the bank's signed notifications with the bank's secret (see `kit.signed_webhooks`)."""

from __future__ import annotations

from django.conf import settings

from tradeshield.kit import signed_webhooks
from tradeshield.kit.signed_webhooks import TOLERANCE_SECONDS, SignatureInvalid

__all__ = ["TOLERANCE_SECONDS", "SignatureInvalid", "sign", "verify"]


def sign(*, msg_id: str, timestamp: int, body: bytes, secret: str | None = None) -> str:
    return signed_webhooks.sign(
        msg_id=msg_id, timestamp=timestamp, body=body, secret=secret or settings.TRADESHIELD_BANK_WEBHOOK_SECRET
    )


def verify(*, msg_id: str, timestamp: str, signature_header: str, body: bytes) -> None:
    signed_webhooks.verify(
        msg_id=msg_id,
        timestamp=timestamp,
        signature_header=signature_header,
        body=body,
        secrets=[settings.TRADESHIELD_BANK_WEBHOOK_SECRET],
    )
