"""The carrier webhook: Standard Webhooks signatures, 5-minute tolerance, replays, unknown numbers."""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta
from typing import Any

import pytest

from tests.shipments.support import ago, at, carrier_post, create_shipment, kinds, paid_order
from tradeshield.kit import clock
from tradeshield.kit.signed_webhooks import sign
from tradeshield.orders.models import Order
from tradeshield.shipments import webhook
from tradeshield.shipments.models import ShipmentEvent

pytestmark = pytest.mark.django_db

OWN_SECRET = "whsec_bWFlcnNrLW93bi1zZWNyZXQtZm9yLXRlc3Rz"


def event(tracking: str = "MAEU100", kind: str = "departed", **extra: Any) -> dict[str, Any]:
    return {"tracking_number": tracking, "kind": kind, "occurred_at": ago(hours=1), **extra}


@pytest.fixture
def shipment(buyer, supplier) -> dict[str, Any]:
    order = paid_order(buyer, supplier)
    return create_shipment(supplier, order["id"]).json()


def test_a_signed_event_moves_the_shipment_and_the_order(shipment):
    response = carrier_post("maersk", event(location="Yantian", eta=at()))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["received"] is True and body["duplicate"] is False and body["shipment_id"] == shipment["id"]
    stored = ShipmentEvent.objects.get(pk=body["event_id"])
    assert (stored.kind, stored.source, stored.location, stored.actor) == (
        "departed",
        "carrier",
        "Yantian",
        "carrier maersk",
    )
    assert Order.objects.get(pk=shipment["order_id"]).status == "shipped"


def test_a_replayed_event_id_is_acknowledged_and_ignored(shipment):
    first = carrier_post("maersk", event(kind="exception", description="Typhoon"), msg_id="msg_1")
    replay = carrier_post("maersk", event(kind="exception", description="Typhoon"), msg_id="msg_1")
    assert first.status_code == replay.status_code == 200
    assert replay.json()["duplicate"] is True and replay.json()["event_id"] == first.json()["event_id"]
    assert ShipmentEvent.objects.count() == 1
    assert kinds(shipment["order_id"]).count("shipment.exception") == 1


def test_unsigned_badly_signed_and_stale_notifications_are_refused_and_logged(shipment, caplog):
    caplog.set_level(logging.WARNING, logger="tradeshield.shipments.webhook")
    raw = json.dumps(event()).encode()
    now = int(time.time())
    unsigned = carrier_post("maersk", raw, signature="")
    forged = carrier_post("maersk", raw, signature=sign(msg_id="msg_x", timestamp=now, body=raw, secret=OWN_SECRET))
    stale_ts = now - 400
    stale = carrier_post("maersk", raw, msg_id="msg_old", timestamp=stale_ts)
    future_ts = now + 400
    early = carrier_post("maersk", raw, msg_id="msg_early", timestamp=future_ts)
    tampered_sig = carrier_post("maersk", raw, msg_id="msg_t")
    for response in (unsigned, forged, stale, early):
        assert response.status_code == 401, response.content
        assert response.json()["error"]["code"] == "webhook_signature_invalid"
    assert tampered_sig.status_code == 200  # the same body, properly signed, is accepted
    assert ShipmentEvent.objects.count() == 1
    refused = [r for r in caplog.records if r.name == "tradeshield.shipments.webhook"]
    assert len(refused) == 4
    assert "carrier=maersk" in refused[2].getMessage() and "msg_old" in refused[2].getMessage()
    assert all("whsec_" not in r.getMessage() and "v1," not in r.getMessage() for r in refused)


def test_a_body_changed_after_signing_is_refused(shipment):
    raw = json.dumps(event()).encode()
    now = int(time.time())
    signature = webhook.sign(carrier="maersk", msg_id="msg_1", timestamp=now, body=raw)
    changed = raw.replace(b"departed", b"delivered")
    response = carrier_post("maersk", changed, msg_id="msg_1", timestamp=now, signature=signature)
    assert response.status_code == 401
    assert not ShipmentEvent.objects.exists()


def test_each_carrier_has_its_own_secret_and_production_has_no_sandbox_secret(shipment, settings):
    settings.TRADESHIELD_CARRIER_WEBHOOK_SECRETS = {"maersk": OWN_SECRET}
    raw = json.dumps(event()).encode()
    now = int(time.time())
    sandbox_signed = carrier_post(
        "maersk",
        raw,
        signature=sign(msg_id="m1", timestamp=now, body=raw, secret=settings.TRADESHIELD_CARRIER_SANDBOX_SECRET),
        msg_id="m1",
        timestamp=now,
    )
    assert sandbox_signed.status_code == 401
    own_signed = carrier_post(
        "maersk",
        raw,
        signature=sign(msg_id="m2", timestamp=now, body=raw, secret=OWN_SECRET),
        msg_id="m2",
        timestamp=now,
    )
    assert own_signed.status_code == 200

    settings.TRADESHIELD_CARRIER_SANDBOX_SECRET = ""  # what production mode configures
    other = carrier_post(
        "dhl",
        raw,
        signature=sign(msg_id="m3", timestamp=now, body=raw, secret="whsec_c2FuZGJveC1jYXJyaWVyLXdlYmhvb2stc2VjcmV0"),
        msg_id="m3",
        timestamp=now,
    )
    assert other.status_code == 401


def test_unknown_tracking_numbers_and_bad_bodies_are_4xx(shipment):
    unknown = carrier_post("maersk", event(tracking="NOPE123"))
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "shipment_not_found"
    wrong_carrier = carrier_post("dhl", event())  # the number belongs to a Maersk shipment
    assert wrong_carrier.status_code == 404
    bad_kind = carrier_post("maersk", event(kind="lost_in_space"))
    assert bad_kind.status_code == 422 and bad_kind.json()["error"]["code"] == "carrier_event_invalid"
    not_json = carrier_post("maersk", b"tracking_number=MAEU100")
    assert not_json.status_code == 422
    future = carrier_post("maersk", event(occurred_at=at(timedelta(hours=2))))
    assert future.status_code == 422 and future.json()["error"]["code"] == "event_in_future"
    assert not ShipmentEvent.objects.exists()


def test_an_event_for_an_order_waiting_for_inspection_is_kept_but_does_not_ship_it(buyer, supplier):
    order = paid_order(buyer, supplier, inspection_required=True)
    shipment = create_shipment(supplier, order["id"]).json()
    picked = carrier_post("maersk", event(kind="picked_up"))
    assert picked.status_code == 200
    departed = carrier_post("maersk", event(kind="departed", occurred_at=ago(minutes=30)))
    assert departed.status_code == 200
    assert Order.objects.get(pk=order["id"]).status == "paid"
    assert ShipmentEvent.objects.filter(shipment_id=shipment["id"]).count() == 2
    assert kinds(order["id"]).count("shipment.handover_blocked") == 1  # told once per shipment
    tracking = buyer.client.get(f"/orders/{order['id']}/tracking").json()
    assert tracking["held_by_inspection"] is True and tracking["order_status"] == "paid"

    Order.objects.filter(pk=order["id"]).update(inspection_cleared_at=clock.now())
    carrier_post("maersk", event(kind="arrived_at_port", occurred_at=ago(minutes=5)))
    cleared = Order.objects.get(pk=order["id"])
    assert cleared.status == "shipped"
    assert cleared.shipped_at.isoformat().startswith(ago(hours=1)[:13])  # the first hand-over, not the clearing
    assert buyer.client.get(f"/orders/{order['id']}/tracking").json()["held_by_inspection"] is False
