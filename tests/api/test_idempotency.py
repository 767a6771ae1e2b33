"""Idempotency-Key: same key and body replays; different body is 422; in flight is 409; required for money."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.conftest import VISA, confirmed_order
from tests.helpers import ledger_snapshot

from tradeshield.idempotency.models import IdempotencyRecord
from tradeshield.idempotency.services import fingerprint, purge_expired
from tradeshield.kit import clock
from tradeshield.payments.models import Payment

pytestmark = pytest.mark.django_db


def test_same_key_and_body_replays_the_first_response(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    body = {"method": "card", "card": VISA}
    first = buyer.client.post(f"/orders/{order['id']}/payments", body, key="pay-1")
    second = buyer.client.post(f"/orders/{order['id']}/payments", body, key="pay-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert Payment.objects.filter(order_id=order["id"]).count() == 1


def test_same_key_with_a_different_body_is_refused(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    buyer.client.post(f"/orders/{order['id']}/payments", {"method": "bank_transfer"}, key="k")
    before = ledger_snapshot()
    other = buyer.client.post(f"/orders/{order['id']}/payments", {"method": "card", "card": VISA}, key="k")
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert ledger_snapshot() == before
    assert Payment.objects.filter(order_id=order["id"]).count() == 1


def test_a_request_still_in_flight_is_a_409(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    path = f"/api/v1/orders/{order['id']}/confirm-receipt"
    IdempotencyRecord.objects.create(
        scope=f"user:{buyer.user.id}",
        key="busy",
        method="POST",
        path=path,
        request_hash=fingerprint("POST", path, b"{}"),
        locked_until=clock.now() + timedelta(seconds=30),
    )
    response = buyer.client.post(f"/orders/{order['id']}/confirm-receipt", {}, key="busy")
    assert response.status_code == 409 and response.json()["error"]["code"] == "idempotency_request_in_flight"


def test_an_abandoned_claim_is_taken_over_after_its_lock_expires(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    path = f"/api/v1/orders/{order['id']}/payments"
    body = b'{"method": "bank_transfer"}'
    IdempotencyRecord.objects.create(
        scope=f"user:{buyer.user.id}",
        key="crashed",
        method="POST",
        path=path,
        request_hash=fingerprint("POST", path, body),
        locked_until=clock.now() - timedelta(seconds=1),
    )
    response = buyer.client.post(f"/orders/{order['id']}/payments", raw=body.decode(), key="crashed")
    assert response.status_code == 201


def test_money_moving_requests_require_a_key(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    for action in ("payments", "confirm-receipt", "cancel", "refunds"):
        response = buyer.client.post(f"/orders/{order['id']}/{action}", {}, key=False)
        assert response.status_code == 400, action
        assert response.json()["error"]["code"] == "idempotency_key_required"


def test_keys_are_scoped_to_the_caller(buyer, supplier, other_buyer):
    order = confirmed_order(buyer, supplier)
    buyer.client.post(f"/orders/{order['id']}/payments", {"method": "bank_transfer"}, key="shared")
    stranger = other_buyer.client.post(f"/orders/{order['id']}/payments", {"method": "bank_transfer"}, key="shared")
    assert stranger.status_code == 404  # not a replay of the buyer's response


def test_records_older_than_the_retention_are_purged(buyer, supplier):
    IdempotencyRecord.objects.create(
        scope="x",
        key="old",
        method="POST",
        path="/",
        request_hash="h",
        locked_until=clock.now(),
        created_at=clock.now() - timedelta(hours=25),
    )
    IdempotencyRecord.objects.create(
        scope="x",
        key="new",
        method="POST",
        path="/",
        request_hash="h",
        locked_until=clock.now(),
        created_at=clock.now() - timedelta(hours=23),
    )
    assert purge_expired() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
