"""The hash-chained audit log: every order and dispute event is chained per order, the log refuses
changes, and any tampering (with an event or an entry, triggers disabled) shows on verification."""

from __future__ import annotations

from itertools import pairwise

import pytest
from django.db import DatabaseError, connection, transaction

from tests.disputes.conftest import open_dispute, shipped_order, usd
from tradeshield.audit.models import AuditEntry
from tradeshield.audit.services import GENESIS, link, verify_order
from tradeshield.orders.models import OrderEvent

pytestmark = pytest.mark.django_db


def test_every_event_is_chained_and_verifies(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    dispute = open_dispute(buyer, order_id).json()
    supplier.client.post(f"/disputes/{dispute['id']}/counter", {"amount": usd(100), "text": "Small."}, key=False)
    events = list(OrderEvent.objects.filter(order_id=order_id).order_by("created_at", "id"))
    entries = list(AuditEntry.objects.filter(order_id=order_id).order_by("seq"))
    assert [e.event_id for e in entries] == [e.pk for e in events]
    assert entries[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in pairwise(entries))
    assert entries[-1].hash == link(entries[-2].hash, entries[-1].payload)
    assert '"kind": "dispute.countered"' in entries[-1].payload
    report = verify_order(order_id)
    assert report.ok and report.entries == len(events) and report.head == entries[-1].hash
    shown = buyer.client.get(f"/disputes/{dispute['id']}").json()["audit_chain"]
    assert shown == {"entries": len(events), "verified": True, "problem": "", "head": entries[-1].hash}


def test_the_log_refuses_updates_and_deletes(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    entry = AuditEntry.objects.filter(order_id=order_id).first()
    for change in (
        lambda: AuditEntry.objects.filter(pk=entry.pk).update(payload="{}"),
        lambda: AuditEntry.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()
    assert verify_order(order_id).ok


def _without_triggers(sql: str, params: list[object]) -> None:
    with connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")  # what an attacker with psql would do
        cur.execute(sql, params)
        cur.execute("SET LOCAL session_replication_role = origin")


def test_tampering_with_an_event_shows(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    paid = OrderEvent.objects.get(order_id=order_id, kind="order.paid")
    OrderEvent.objects.filter(pk=paid.pk).update(data={**paid.data, "amount": 1})
    report = verify_order(order_id)
    assert not report.ok and "changed" in report.problem
    dispute = open_dispute(buyer, order_id).json()
    assert dispute["audit_chain"]["verified"] is False


def test_tampering_with_the_log_itself_shows(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    entry = AuditEntry.objects.filter(order_id=order_id).order_by("seq")[1]
    forged = entry.payload.replace("order.", "order_")
    _without_triggers(
        "UPDATE audit_entry SET payload = %s, hash = %s WHERE id = %s",
        [forged, link(entry.prev_hash, forged), entry.pk],
    )
    report = verify_order(order_id)
    assert not report.ok and report.at_seq is not None


def test_an_event_slipped_in_without_the_trigger_shows(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    _without_triggers(
        "INSERT INTO trade_order_event (order_id, kind, actor, actor_org, from_status, to_status, data, created_at)"
        " VALUES (%s, 'order.completed', 'x', '', '', '', '{}', now())",
        [order_id],
    )
    report = verify_order(order_id)
    assert not report.ok and "not in the audit log" in report.problem
