"""The notifications and webhook-endpoint API: scoping, pagination, validation, secrets shown once."""

from __future__ import annotations

import base64

import pytest
from django.test import Client
from tests.conftest import ApiClient, confirmed_order, make_party, pay_card

from tradeshield.notifications import services
from tradeshield.notifications.models import WebhookDelivery, WebhookEndpoint
from tradeshield.orders.models import OrderEvent
from tradeshield.organizations import services as orgs
from tradeshield.organizations.models import OrgKind

pytestmark = pytest.mark.django_db


def relayed_order(buyer, supplier) -> dict:
    order = confirmed_order(buyer, supplier)
    pay_card(buyer, order["id"])
    for pk in OrderEvent.objects.values_list("id", flat=True):
        services.relay_event(pk)
    return order


def test_notifications_are_listed_newest_first_page_by_page_and_marked_read(buyer, supplier):
    relayed_order(buyer, supplier)
    first = supplier.client.get("/notifications", limit=2).json()
    assert [n["type"] for n in first["data"]] == ["order.paid", "order.confirmed"]
    assert first["next_cursor"] == first["data"][-1]["id"]
    rest = supplier.client.get("/notifications", limit=2, cursor=first["next_cursor"]).json()
    assert [n["type"] for n in rest["data"]] == ["order.buyer_confirmed"]
    assert rest["next_cursor"] is None
    paid = first["data"][0]
    assert paid["title"] == "Order paid: ready to ship"
    assert "Acme Imports paid “LED panels” in full (1,250.00 USD" in paid["body"]
    assert supplier.client.get("/notifications/unread-count").json() == {"unread": 3}

    read = supplier.client.post(f"/notifications/{paid['id']}/read", key=False)
    assert read.status_code == 200 and read.json()["read"] is True
    assert supplier.client.get("/notifications/unread-count").json() == {"unread": 2}
    unread = supplier.client.get("/notifications", unread="true").json()["data"]
    assert paid["id"] not in [n["id"] for n in unread]
    assert supplier.client.post("/notifications/read-all", key=False).json() == {"marked_read": 2}
    assert supplier.client.get("/notifications/unread-count").json() == {"unread": 0}


def test_a_notification_is_only_its_owners_and_needs_a_person(buyer, supplier):
    relayed_order(buyer, supplier)
    theirs = supplier.client.get("/notifications").json()["data"][0]["id"]
    missing = buyer.client.post(f"/notifications/{theirs}/read", key=False)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "notification_not_found"
    _, key = orgs.api_key_create(organization=supplier.org, name="ERP")
    refused = ApiClient(key).get("/notifications")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "person_required"
    assert Client().get("/api/v1/notifications").status_code == 401


def test_notification_text_follows_the_requested_language(buyer, supplier):
    relayed_order(buyer, supplier)
    headers = {"Authorization": f"Bearer {supplier.client.token}", "Accept-Language": "es"}
    spanish = Client().get("/api/v1/notifications", headers=headers).json()["data"][0]
    assert spanish["title"] == "Pedido pagado: listo para enviar"
    headers["Accept-Language"] = "zh-Hans"
    chinese = Client().get("/api/v1/notifications", headers=headers).json()["data"][0]
    assert chinese["title"] == "订单已付款：可以发货"  # noqa: RUF001


@pytest.mark.parametrize(
    ("accept", "title"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.5", "Заказ оплачен: можно отгружать"),
        ("pt-BR,pt;q=0.9", "Pedido pago: pronto para envio"),
        ("pt", "Pedido pago: pronto para envio"),
        ("fr-CA,fr;q=0.8", "Commande payée : prête à expédier"),
        ("ar-EG", "تم دفع الطلب: جاهز للشحن"),
        ("de-DE", "Order paid: ready to ship"),  # not supported: English
    ],
)
def test_notification_text_in_the_newer_languages(buyer, supplier, accept, title):
    relayed_order(buyer, supplier)
    headers = {"Authorization": f"Bearer {supplier.client.token}", "Accept-Language": accept}
    response = Client().get("/api/v1/notifications", headers=headers)
    assert response.json()["data"][0]["title"] == title


def test_owners_manage_endpoints_and_see_each_secret_once(buyer):
    created = buyer.client.post(
        "/webhook-endpoints",
        {"url": "https://erp.example.com/hooks", "event_types": ["order.paid", "payment.*"], "description": "ERP"},
        key=False,
    )
    assert created.status_code == 201, created.content
    endpoint = created.json()
    secret = endpoint["secret"]
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    assert endpoint["event_types"] == ["order.paid", "payment.*"] and endpoint["enabled"] is True

    listed = buyer.client.get("/webhook-endpoints").json()
    assert [e["id"] for e in listed] == [endpoint["id"]] and listed[0]["secret"] is None
    assert buyer.client.get(f"/webhook-endpoints/{endpoint['id']}").json()["secret"] is None

    patched = buyer.client.client.patch(
        f"/api/v1/webhook-endpoints/{endpoint['id']}",
        data={"enabled": False, "event_types": []},
        content_type="application/json",
        headers={"Authorization": f"Bearer {buyer.client.token}"},
    )
    assert patched.status_code == 200 and patched.json()["enabled"] is False and patched.json()["event_types"] == []

    rotated = buyer.client.post(f"/webhook-endpoints/{endpoint['id']}/rotate-secret", key=False).json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != secret
    assert rotated["previous_secret_expires_at"] is not None
    stored = WebhookEndpoint.objects.get(pk=endpoint["id"])
    assert (stored.secret, stored.previous_secret) == (rotated["secret"], secret)

    deleted = buyer.client.client.delete(
        f"/api/v1/webhook-endpoints/{endpoint['id']}", headers={"Authorization": f"Bearer {buyer.client.token}"}
    )
    assert deleted.status_code == 204
    assert buyer.client.get(f"/webhook-endpoints/{endpoint['id']}").status_code == 404


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"url": "ftp://erp.example.com/hooks"}, "invalid_url", "url"),
        ({"url": "javascript:alert(1)"}, "invalid_url", "url"),
        ({"url": "https://"}, "invalid_url", "url"),
        ({"url": "https://user:pw@erp.example.com/"}, "invalid_url", "url"),
        ({"url": "https://erp.example.com/", "event_types": ["order.payed"]}, "unknown_event_type", "event_types[0]"),
        ({"url": "https://erp.example.com/", "secret": "mine"}, "unknown_field", "secret"),
    ],
)
def test_endpoint_input_is_validated(buyer, body, code, field):
    response = buyer.client.post("/webhook-endpoints", body, key=False)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["field"] == field
    assert not WebhookEndpoint.objects.exists()


def test_only_owners_of_the_organization_reach_its_endpoints(buyer, other_buyer):
    endpoint = buyer.client.post("/webhook-endpoints", {"url": "https://erp.example.com/h"}, key=False).json()
    finance = make_party(OrgKind.BUYER, "Finance Only", "US", role="finance")
    refused = finance.client.post("/webhook-endpoints", {"url": "https://x.example.com/h"}, key=False)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden_role"
    for path in (f"/webhook-endpoints/{endpoint['id']}", f"/webhook-endpoints/{endpoint['id']}/deliveries"):
        assert other_buyer.client.get(path).status_code == 404
    assert other_buyer.client.post(f"/webhook-endpoints/{endpoint['id']}/test", key=False).status_code == 404
    _, key = orgs.api_key_create(organization=buyer.org, name="ERP")
    assert ApiClient(key).get("/webhook-endpoints").status_code == 403


def test_a_test_ping_and_a_replay_are_queued_and_logged(buyer, supplier):
    endpoint = buyer.client.post("/webhook-endpoints", {"url": "https://erp.example.com/h"}, key=False).json()
    ping = buyer.client.post(f"/webhook-endpoints/{endpoint['id']}/test", key=False)
    assert ping.status_code == 202
    assert ping.json()["event_type"] == "webhook.test" and ping.json()["status"] == "pending"
    assert ping.json()["payload"]["data"]["endpoint_id"] == endpoint["id"]
    relayed_order(buyer, supplier)
    page = buyer.client.get(f"/webhook-endpoints/{endpoint['id']}/deliveries", limit=3).json()
    assert len(page["data"]) == 3 and page["next_cursor"]
    assert page["data"][0]["event_type"] == "order.paid"
    replay = buyer.client.post(f"/webhook-deliveries/{page['data'][0]['id']}/replay", key=False)
    assert replay.status_code == 202 and replay.json()["message_id"] == page["data"][0]["message_id"]
    assert buyer.client.get(f"/webhook-deliveries/{ping.json()['id']}").json()["attempts"] == []
    assert WebhookDelivery.objects.filter(endpoint_id=endpoint["id"]).count() == OrderEvent.objects.count() + 1


def test_the_event_type_list_is_public_to_members(buyer):
    types = buyer.client.get("/webhook-event-types").json()
    assert {"order.paid", "payment.captured", "escrow.released", "compensation.paid", "webhook.test"} <= set(types)
