"""Checking an order's audit chain: every link, and every entry against the event it records."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from tradeshield.audit.models import AuditEntry

GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainReport:
    order_id: str
    entries: int
    ok: bool
    problem: str = ""  # what is wrong, for people
    at_seq: int | None = None  # the first entry where it is wrong
    head: str = GENESIS  # the last entry's hash: quoting it pins the whole history


def link(prev_hash: str, payload: str) -> str:
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _current_payloads(order_id: str) -> dict[int, str]:
    with connection.cursor() as cur:
        cur.execute("SELECT e.id, audit_event_payload(e) FROM trade_order_event e WHERE e.order_id = %s", [order_id])
        return {int(row[0]): str(row[1]) for row in cur.fetchall()}


def verify_order(order_id: str) -> ChainReport:
    entries = list(AuditEntry.objects.filter(order_id=order_id).order_by("seq"))
    events = _current_payloads(order_id)
    prev = GENESIS
    for position, entry in enumerate(entries, start=1):

        def broken(problem: str, entry: AuditEntry = entry) -> ChainReport:
            return ChainReport(order_id, len(entries), False, problem, entry.seq, entries[-1].hash)

        if entry.seq != position:
            return broken(_("Entry %(n)s is missing.") % {"n": position})
        if entry.prev_hash != prev or link(prev, entry.payload) != entry.hash:
            return broken(_("Entry %(n)s does not follow from the one before it.") % {"n": entry.seq})
        current = events.pop(entry.event_id, None)
        if current is None:
            return broken(_("The event of entry %(n)s was deleted.") % {"n": entry.seq})
        if current != entry.payload:
            return broken(_("The event of entry %(n)s was changed after it was recorded.") % {"n": entry.seq})
        prev = entry.hash
    if events:
        return ChainReport(
            order_id,
            len(entries),
            False,
            _("%(n)s event(s) are not in the audit log.") % {"n": len(events)},
            None,
            prev,
        )
    return ChainReport(order_id, len(entries), True, head=prev)
