"""Relaying order events: who gets an in-app notice, an email or a webhook, and never twice."""

from __future__ import annotations

import json

import pytest
from tests.conftest import PASSWORD, confirmed_order, pay_card

from tradeshield.notifications import catalogue, services, webhooks
from tradeshield.notifications.models import EmailDelivery, Notification, RelayedEvent, WebhookDelivery
from tradeshield.orders.models import OrderEvent
from tradeshield.organizations import services as orgs

pytestmark = pytest.mark.django_db


def relay_all() -> int:
    return sum(services.relay_event(pk) for pk in OrderEvent.objects.order_by("id").values_list("id", flat=True))


def test_a_paid_order_reaches_both_sides_once_and_not_the_person_who_acted(buyer, supplier):
    colleague = orgs.member_create(organization=buyer.org, email="finance@acme.test", password=PASSWORD, role="finance")
    order = confirmed_order(buyer, supplier)
    assert pay_card(buyer, order["id"]).status_code == 201
    kinds = list(OrderEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds[-1] == "order.paid"

    assert relay_all() == len(kinds)
    assert relay_all() == 0
    assert RelayedEvent.objects.count() == len(kinds)

    paid = OrderEvent.objects.get(kind="order.paid")
    noticed = set(Notification.objects.filter(event=paid).values_list("user__email", "side"))
    assert noticed == {(colleague.email, "buyer"), (supplier.user.email, "supplier")}  # the payer acted
    emailed = set(EmailDelivery.objects.filter(event=paid).values_list("to_address", flat=True))
    assert emailed == {colleague.email, supplier.user.email}

    created = OrderEvent.objects.get(kind="order.created")  # issued by the supplier: news for the buyer side
    assert set(Notification.objects.filter(event=created).values_list("side", flat=True)) == {"buyer"}
    started = OrderEvent.objects.get(kind="payment.initiated")  # webhook only
    assert not Notification.objects.filter(event=started).exists()


def test_the_catch_up_relays_what_the_relay_job_missed(buyer, supplier):
    confirmed_order(buyer, supplier)
    first = OrderEvent.objects.order_by("id").first()
    assert first is not None
    services.relay_event(first.pk)
    missed = OrderEvent.objects.count() - 1
    assert services.relay_missed_events() == missed
    assert services.relay_missed_events() == 0
    assert RelayedEvent.objects.count() == OrderEvent.objects.count()


def test_an_unknown_event_kind_still_reaches_webhooks_and_the_app(buyer, supplier):
    from tradeshield.orders.models import Order
    from tradeshield.orders.services import record_event

    order = Order.objects.get(pk=confirmed_order(buyer, supplier)["id"])
    endpoint, _ = webhooks.webhook_endpoint_create(organization=buyer.org, url="https://erp.example.com/hooks")
    event = record_event(order, "dispute.opened", None, reason="wrong colour")
    assert services.relay_event(event.pk)
    assert WebhookDelivery.objects.get(event=event, endpoint=endpoint).event_type == "dispute.opened"
    assert Notification.objects.filter(event=event).count() == 2


def test_endpoints_get_the_types_they_asked_for_with_the_order_as_the_api_shows_it(buyer, supplier, other_buyer):
    everything, _ = webhooks.webhook_endpoint_create(organization=supplier.org, url="https://a.example.com/h")
    only_paid, _ = webhooks.webhook_endpoint_create(
        organization=buyer.org, url="https://b.example.com/h", event_types=["order.paid"]
    )
    payments, _ = webhooks.webhook_endpoint_create(
        organization=buyer.org, url="https://c.example.com/h", event_types=["payment.*"]
    )
    webhooks.webhook_endpoint_create(organization=buyer.org, url="https://d.example.com/h", enabled=False)
    webhooks.webhook_endpoint_create(organization=other_buyer.org, url="https://e.example.com/h")
    order = confirmed_order(buyer, supplier)
    pay_card(buyer, order["id"])
    relay_all()

    assert list(WebhookDelivery.objects.filter(endpoint=only_paid).values_list("event_type", flat=True)) == [
        "order.paid"
    ]
    assert list(WebhookDelivery.objects.filter(endpoint=payments).values_list("event_type", flat=True)) == [
        "payment.captured"
    ]
    assert WebhookDelivery.objects.filter(endpoint=everything).count() == OrderEvent.objects.count()
    assert WebhookDelivery.objects.count() == OrderEvent.objects.count() + 2

    delivery = WebhookDelivery.objects.get(endpoint=only_paid)
    payload = json.loads(delivery.body)
    event = payload["data"].pop("event")
    assert payload["type"] == "order.paid"
    assert payload["data"] == buyer.client.get(f"/orders/{order['id']}").json()
    assert event["id"] == delivery.message_id == RelayedEvent.objects.get(event_id=delivery.event_id).message_id
    assert event["kind"] == "order.paid" and event["to_status"] == "paid"
    assert event["data"]["amount"] == order["total"]["amount"]


def test_every_order_event_kind_has_a_webhook_type_in_noun_verb_form():
    for kind, rule in catalogue.RULES.items():
        assert catalogue.PATTERN.fullmatch(rule.type), kind
    assert catalogue.webhook_type("payment.initiated", {"status": "held"}) == "payment.captured"
    assert catalogue.webhook_type("payment.initiated", {"status": "awaiting_funds"}) == "payment.created"
    assert catalogue.webhook_type("protection.compensated", {}) == "compensation.paid"


def test_one_event_that_cannot_be_relayed_does_not_hold_up_the_others(buyer, supplier, monkeypatch):
    confirmed_order(buyer, supplier)
    first, *rest = OrderEvent.objects.order_by("id").values_list("id", flat=True)
    relay = services.relay_event

    def broken_for_the_first(event_id: int) -> bool:
        if event_id == first:
            raise RuntimeError("boom")
        return relay(event_id)

    monkeypatch.setattr(services, "relay_event", broken_for_the_first)
    assert services.relay_missed_events() == len(rest)
    assert not RelayedEvent.objects.filter(event_id=first).exists()


def test_an_unexpected_error_while_sending_is_logged_and_retried(buyer, supplier, monkeypatch):
    from tradeshield.notifications import delivery

    endpoint, _ = webhooks.webhook_endpoint_create(
        organization=buyer.org, url="https://erp.example.com/hooks", event_types=["order.confirmed"]
    )
    confirmed_order(buyer, supplier)
    relay_all()

    def broken(*args: object) -> dict[str, str]:
        raise ValueError("corrupt secret")

    monkeypatch.setattr(delivery, "signed_headers", broken)
    queued = WebhookDelivery.objects.get(endpoint=endpoint)
    sent = delivery.webhook_attempt(queued.id)
    assert sent is not None
    assert (sent.status, sent.attempt_count, sent.last_error) == ("pending", 1, "Internal error: ValueError")
    assert sent.locked_until is None and sent.next_attempt_at is not None
    assert delivery.webhook_attempt(queued.id) is None  # not due yet
