"""Idempotency keys: the same key and body replays the first response; a different body is refused.

A record is claimed in its own short transaction before the work starts, so a concurrent retry
sees it as in flight (409). A record whose worker died is reclaimed after its lock expires; the
work itself ran in one transaction, so nothing of a crashed attempt remains.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError
from django.utils.translation import gettext as _

from tradeshield.idempotency.models import IdempotencyRecord
from tradeshield.kit import clock
from tradeshield.kit.errors import Conflict, Invalid
from tradeshield.kit.transactions import savepoint_if_in_transaction

IN_FLIGHT_LOCK = timedelta(seconds=60)
MAX_KEY_LENGTH = 255


class KeyReused(Invalid):
    code = "idempotency_key_reused"


class RequestInFlight(Conflict):
    code = "idempotency_request_in_flight"


class KeyInvalid(Invalid):
    code = "idempotency_key_invalid"
    status = 400


@dataclass(frozen=True)
class Claim:
    record: IdempotencyRecord
    replay: bool  # True: answer with record.response_*; False: do the work, then `claim_complete`


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b"\0" + path.encode() + b"\0" + body).hexdigest()


def claim(*, scope: str, key: str, method: str, path: str, request_hash: str) -> Claim:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise KeyInvalid(
            _("Idempotency-Key must be 1 to %(maximum)s printable characters.") % {"maximum": MAX_KEY_LENGTH}
        )
    now = clock.real_now()
    try:
        with savepoint_if_in_transaction():  # in autocommit mode (a request), the INSERT commits alone
            record = IdempotencyRecord.objects.create(
                scope=scope,
                key=key,
                method=method,
                path=path,
                request_hash=request_hash,
                locked_until=now + IN_FLIGHT_LOCK,
            )
        return Claim(record, replay=False)
    except IntegrityError:
        pass
    record = IdempotencyRecord.objects.get(scope=scope, key=key)
    if record.request_hash != request_hash:
        raise KeyReused(_("This Idempotency-Key was used with a different request."))
    if record.state == IdempotencyRecord.State.DONE:
        return Claim(record, replay=True)
    reclaimed = IdempotencyRecord.objects.filter(
        pk=record.pk, state=IdempotencyRecord.State.IN_FLIGHT, locked_until__lt=now
    ).update(locked_until=now + IN_FLIGHT_LOCK)
    if reclaimed != 1:
        raise RequestInFlight(_("A request with this Idempotency-Key is still being processed."))
    return Claim(record, replay=False)


def claim_complete(record: IdempotencyRecord, status: int, body: bytes) -> None:
    if status >= 500:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()  # let the client retry
        return
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        state=IdempotencyRecord.State.DONE,
        response_status=status,
        response_body=body,
    )


def claim_abandon(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk, state=IdempotencyRecord.State.IN_FLIGHT).delete()


def purge_expired() -> int:
    cutoff = clock.real_now() - timedelta(hours=settings.TRADESHIELD_IDEMPOTENCY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
