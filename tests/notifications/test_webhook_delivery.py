"""Webhooks sent by a real worker to real HTTP servers: signatures, retries, failures, replay."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook
from tests.conftest import confirmed_order, pay_card
from tests.notifications.support import Receiver, free_port, run_pending_jobs

from tradeshield.kit import clock
from tradeshield.notifications import backoff, services, webhooks
from tradeshield.notifications.models import RelayedEvent, WebhookAttempt, WebhookDelivery
from tradeshield.notifications.tasks import retry_due
from tradeshield.orders.models import OrderEvent

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def endpoint_for(party, url: str, **kwargs):
    return webhooks.webhook_endpoint_create(organization=party.org, url=url, **kwargs)


def retry_when_due(moment: datetime) -> None:
    """Let the clock reach `moment`, then run the retry sweep and the attempts it queues."""
    with clock.frozen_at(moment):
        retry_due.defer(timestamp=int(moment.timestamp()))
        run_pending_jobs()


def test_every_event_arrives_signed_per_standard_webhooks(buyer, supplier, receiver):
    endpoint, secret = endpoint_for(supplier, receiver.url)
    order = confirmed_order(buyer, supplier)
    assert pay_card(buyer, order["id"]).status_code == 201
    run_pending_jobs()

    kinds = list(OrderEvent.objects.order_by("id").values_list("kind", flat=True))
    assert len(receiver.requests) == len(kinds)
    received = []
    for request in receiver.requests:
        payload = Webhook(secret).verify(request.body, request.headers)
        assert request.headers["webhook-id"] == payload["data"]["event"]["id"]
        assert request.headers["content-type"] == "application/json"
        received.append((payload["data"]["event"]["kind"], payload["type"]))
    assert sorted(received) == sorted(
        {
            "order.created": "order.created",
            "order.confirmed_by_supplier": "order.supplier_confirmed",
            "order.confirmed_by_buyer": "order.buyer_confirmed",
            "order.confirmed": "order.confirmed",
            "payment.initiated": "payment.captured",
            "order.paid": "order.paid",
        }.items()
    )
    paid = next(json.loads(r.body) for r in receiver.requests if json.loads(r.body)["type"] == "order.paid")
    assert paid["data"]["status"] == "paid" and paid["data"]["escrow"]["held"] == order["total"]
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert {d.status for d in deliveries} == {"succeeded"}
    assert all(d.attempt_count == 1 and d.last_status_code == 200 for d in deliveries)
    assert WebhookAttempt.objects.filter(delivery__endpoint=endpoint, status_code=200).count() == len(kinds)


def test_a_500_is_retried_with_backoff_and_the_attempts_are_logged(buyer, supplier, receiver):
    start = datetime.now(UTC).replace(microsecond=0)
    with clock.frozen_at(start):
        endpoint, secret = endpoint_for(buyer, receiver.url, event_types=["order.confirmed"])
        receiver.script = [(500, 0.0)]
        confirmed_order(buyer, supplier)
        run_pending_jobs()
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.attempt_count, delivery.last_status_code) == ("pending", 1, 500)
    assert start < delivery.next_attempt_at <= start + timedelta(seconds=5)

    retry_when_due(start + timedelta(seconds=5))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt_count, delivery.last_status_code) == ("succeeded", 2, 200)
    log = list(delivery.attempts.values_list("number", "status_code", "error", "next_attempt_at"))
    assert log[0][:3] == (1, 500, "HTTP 500") and log[0][3] is not None
    assert log[1] == (2, 200, "", None)
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"] and first.body == second.body
    Webhook(secret).verify(second.body, second.headers)


def test_unreachable_and_timing_out_endpoints_never_hold_up_the_order(buyer, supplier, monkeypatch):
    monkeypatch.setattr(backoff, "random_fraction", lambda: 1.0)  # jitter at its ceiling: delays are visible
    slow = Receiver(script=[(200, 3.0)]).start()
    try:
        closed, _ = endpoint_for(buyer, f"http://127.0.0.1:{free_port()}/hooks", event_types=["order.paid"])
        hanging, _ = endpoint_for(supplier, slow.url, event_types=["order.paid"])
        started = time.monotonic()
        order = confirmed_order(buyer, supplier)
        assert pay_card(buyer, order["id"]).status_code == 201
        assert (
            supplier.client.post(
                f"/orders/{order['id']}/ship", {"carrier": "DHL", "tracking_number": "JD0001"}, key=False
            ).json()["status"]
            == "shipped"
        )
        assert time.monotonic() - started < 5
        assert not WebhookAttempt.objects.exists()  # nothing is sent inside a request

        start = datetime.now(UTC).replace(microsecond=0)
        with clock.frozen_at(start):
            run_pending_jobs()
    finally:
        slow.stop()
    timed_out = WebhookDelivery.objects.get(endpoint=hanging)
    assert timed_out.status == "pending" and timed_out.last_error == "No response within 0.5 s."
    refused = WebhookDelivery.objects.get(endpoint=closed)
    assert refused.status == "pending" and refused.last_error.startswith("ConnectError")
    assert refused.next_attempt_at == start + timedelta(seconds=5)

    delays, moment = [], start
    while refused.status == "pending":
        moment = refused.next_attempt_at
        retry_when_due(moment)
        refused.refresh_from_db()
        if refused.next_attempt_at:
            delays.append(refused.next_attempt_at - moment)
    assert delays[0] == timedelta(minutes=5) and delays[:7] == sorted(delays[:7])
    assert max(delays) == timedelta(hours=24)
    assert refused.status == "failed"
    assert moment - refused.first_attempted_at >= timedelta(hours=72)
    assert refused.attempts.count() == refused.attempt_count == len(delays) + 2


def test_a_manual_replay_sends_the_same_message_again(buyer, supplier, receiver):
    endpoint, secret = endpoint_for(buyer, receiver.url)
    receiver.script = [(503, 0.0)]
    ping = buyer.client.post(f"/webhook-endpoints/{endpoint.id}/test", key=False).json()
    run_pending_jobs()
    failed = buyer.client.get(f"/webhook-deliveries/{ping['id']}").json()
    assert failed["status"] == "failed" and failed["last_status_code"] == 503  # test pings are not retried

    replay = buyer.client.post(f"/webhook-deliveries/{ping['id']}/replay", key=False)
    assert replay.status_code == 202
    run_pending_jobs()
    replayed = buyer.client.get(f"/webhook-deliveries/{ping['id']}").json()
    assert replayed["status"] == "succeeded" and replayed["attempt_count"] == 2
    assert [(a["status_code"], a["manual"]) for a in replayed["attempts"]] == [(503, False), (200, True)]
    first, second = receiver.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == ping["message_id"]
    assert Webhook(secret).verify(second.body, second.headers)["type"] == "webhook.test"


def test_after_a_rotation_both_secrets_verify_until_the_old_one_expires(buyer, supplier, receiver):
    endpoint, old = endpoint_for(buyer, receiver.url, event_types=["order.confirmed"])
    _, new = webhooks.webhook_endpoint_rotate_secret(organization=buyer.org, endpoint_id=endpoint.id)
    confirmed_order(buyer, supplier)
    run_pending_jobs()
    (request,) = receiver.requests
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(request.body, request.headers)
    Webhook(new).verify(request.body, request.headers)


def test_private_addresses_are_refused_unless_allowed(buyer, supplier, receiver, settings):
    settings.TRADESHIELD_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    endpoint, _ = endpoint_for(buyer, receiver.url, event_types=["order.confirmed"])
    confirmed_order(buyer, supplier)
    run_pending_jobs()
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert "non-public address (127.0.0.1)" in delivery.last_error and delivery.status == "pending"
    assert receiver.requests == []


def test_a_disabled_endpoint_gets_no_more_retries(buyer, supplier):
    endpoint, _ = endpoint_for(buyer, f"http://127.0.0.1:{free_port()}/", event_types=["order.confirmed"])
    confirmed_order(buyer, supplier)
    run_pending_jobs()
    webhooks.webhook_endpoint_update(
        organization=buyer.org, endpoint_id=endpoint.id, changes=webhooks.EndpointChanges(enabled=False)
    )
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    retry_when_due(delivery.next_attempt_at + timedelta(seconds=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("failed", "The endpoint is disabled.")


def test_two_workers_relaying_the_same_event_create_everything_once(buyer, supplier):
    endpoint_for(buyer, "https://erp.example.com/hooks")
    order = confirmed_order(buyer, supplier)
    pay_card(buyer, order["id"])
    event = OrderEvent.objects.get(kind="order.paid")
    RelayedEvent.objects.filter(event=event).delete()
    results: list[bool] = []
    barrier = threading.Barrier(2)

    def relay() -> None:
        barrier.wait()
        results.append(services.relay_event(event.pk))

    threads = [threading.Thread(target=relay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert WebhookDelivery.objects.filter(event=event).count() == 1
    run_pending_jobs()
