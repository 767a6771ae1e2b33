"""The append-only, hash-chained audit log of every order and dispute event.

PostgreSQL writes it, not Python: an `AFTER INSERT` trigger on `trade_order_event` appends one entry
per event (dispute events are order events too), whoever inserts the event. Each order has its own
chain: entry n stores the event as canonical JSON text (`payload`), the previous entry's hash and
`hash = sha256(prev_hash || payload)`; the first entry's previous hash is 64 zeros. Another trigger
refuses any UPDATE or DELETE of an entry. Changing an event afterwards, deleting one, inserting one
with the trigger disabled, or editing an entry with the triggers disabled all break the chain, which
`audit.services.verify_order` recomputes.
"""

from __future__ import annotations

from django.db import models


class AuditEntry(models.Model):
    order_id = models.CharField(max_length=40)
    event_id = models.BigIntegerField(unique=True)
    seq = models.PositiveIntegerField()
    payload = models.TextField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    recorded_at = models.DateTimeField()

    class Meta:
        db_table = "audit_entry"
        constraints = [models.UniqueConstraint(fields=["order_id", "seq"], name="audit_entry_chain_position")]
