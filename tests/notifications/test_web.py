"""The notification centre, the bell in the navbar, and the webhook settings pages."""

from __future__ import annotations

import re

import pytest
from tests.web.support import Member, add_member, make_member, messages_of, paid

from tradeshield.notifications import services
from tradeshield.notifications.models import Notification, WebhookDelivery, WebhookEndpoint
from tradeshield.orders.models import OrderEvent
from tradeshield.organizations.models import OrgKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(db: None) -> Member:
    return make_member(OrgKind.BUYER, "Acme Imports", "US")


@pytest.fixture
def supplier(db: None) -> Member:
    return make_member(OrgKind.SUPPLIER, "Shenzhen Bright", "CN")


def relay_all() -> None:
    for pk in OrderEvent.objects.values_list("id", flat=True):
        services.relay_event(pk)


def bell(html: str) -> list[str]:
    match = re.search(r'id="notification-bell">(.*?)</a>', html, re.S)
    assert match, "no bell"
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).split()


def test_the_bell_counts_unread_and_the_centre_marks_them_read(buyer, supplier):
    paid(supplier, buyer, title="Ceiling lamps")
    relay_all()
    home = supplier.client.get("/").content.decode()
    assert bell(home) == ["Notifications", "3", "unread"]

    page = supplier.client.get("/notifications/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Order paid: ready to ship" in html and "Acme Imports paid “Ceiling lamps” in full" in html
    assert html.count("Mark as read<") == 3

    first = Notification.objects.filter(user=supplier.user).order_by("-id").first()
    assert first is not None
    done = supplier.client.post(f"/notifications/{first.id}/read/", {"next": "/notifications/?unread=1"})
    assert done.status_code == 302 and done["Location"] == "/notifications/?unread=1"
    unread = supplier.client.get("/notifications/?unread=1").content.decode()
    assert "Order paid: ready to ship" not in unread and bell(unread) == ["Notifications", "2", "unread"]

    assert supplier.client.post("/notifications/read-all/").status_code == 302
    assert bell(supplier.client.get("/").content.decode()) == ["Notifications"]
    assert buyer.client.post(f"/notifications/{first.id}/read/").status_code == 404


def test_the_centre_speaks_the_chosen_language(buyer, supplier):
    paid(supplier, buyer)
    relay_all()
    supplier.client.post("/language/", {"language": "es", "next": "/notifications/"})
    html = supplier.client.get("/notifications/").content.decode()
    assert "Notificaciones" in html and "Pedido pagado: listo para enviar" in html


def test_owners_add_an_endpoint_see_the_secret_once_and_read_the_log(buyer, supplier):
    page = buyer.client.get("/settings/webhooks/")
    assert page.status_code == 200 and "Add an endpoint" in page.content.decode()
    created = buyer.client.post(
        "/settings/webhooks/",
        {"url": "https://erp.example.com/hooks", "description": "ERP", "event_types": ["order.paid"], "enabled": "on"},
    )
    html = created.content.decode()
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.event_types == ["order.paid"] and endpoint.enabled
    assert endpoint.secret in html and created["Cache-Control"] == "no-store"
    assert endpoint.secret not in buyer.client.get("/settings/webhooks/").content.decode()

    paid(supplier, buyer)
    relay_all()
    detail = buyer.client.get(f"/settings/webhooks/{endpoint.id}/").content.decode()
    assert "order.paid" in detail and "Not sent yet" in detail and endpoint.secret not in detail

    delivery = WebhookDelivery.objects.get()
    replayed = buyer.client.post(f"/settings/webhook-deliveries/{delivery.id}/replay/")
    assert replayed["Location"] == f"/settings/webhooks/{endpoint.id}/"
    assert messages_of(replayed) == ["Delivery queued to be sent again with the same message id."]

    tested = buyer.client.post(f"/settings/webhooks/{endpoint.id}/test/")
    assert tested.status_code == 302 and WebhookDelivery.objects.filter(is_test=True).count() == 1

    rotated = buyer.client.post(f"/settings/webhooks/{endpoint.id}/rotate/")
    endpoint.refresh_from_db()
    assert endpoint.secret in rotated.content.decode() and rotated["Cache-Control"] == "no-store"

    saved = buyer.client.post(f"/settings/webhooks/{endpoint.id}/", {"url": "https://erp.example.com/v2"})
    endpoint.refresh_from_db()
    assert saved.status_code == 302 and endpoint.url == "https://erp.example.com/v2" and not endpoint.enabled
    invalid = buyer.client.post(f"/settings/webhooks/{endpoint.id}/", {"url": "ftp://erp.example.com/"})
    assert "The URL must start with https://" in invalid.content.decode()

    deleted = buyer.client.post(f"/settings/webhooks/{endpoint.id}/delete/")
    assert deleted["Location"] == "/settings/webhooks/" and not WebhookEndpoint.objects.exists()


def test_webhook_pages_are_for_owners_of_the_organization(buyer, supplier):
    buyer.client.post("/settings/webhooks/", {"url": "https://erp.example.com/hooks", "enabled": "on"})
    endpoint = WebhookEndpoint.objects.get()
    clerk = add_member(buyer.org, "finance")
    assert clerk.client.get("/settings/webhooks/").status_code == 403
    assert "Webhooks" not in clerk.client.get("/").content.decode()
    assert "Webhooks" in buyer.client.get("/").content.decode()
    assert supplier.client.get(f"/settings/webhooks/{endpoint.id}/").status_code == 404
    assert supplier.client.post(f"/settings/webhooks/{endpoint.id}/delete/").status_code == 404
    assert WebhookEndpoint.objects.exists()


def test_the_pages_label_every_input_and_load_nothing_from_elsewhere(buyer, supplier):
    paid(supplier, buyer)
    relay_all()
    buyer.client.post("/settings/webhooks/", {"url": "https://erp.example.com/hooks", "enabled": "on"})
    endpoint = WebhookEndpoint.objects.get()
    for url in ("/notifications/", "/settings/webhooks/", f"/settings/webhooks/{endpoint.id}/"):
        html = buyer.client.get(url).content.decode()
        assert not re.search(r'(src|href)="(https?:)?//', html), url
        labelled = set(re.findall(r'<label[^>]*for="([^"]+)"', html))
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
            if 'type="hidden"' not in tag:
                match = re.search(r'id="([^"]+)"', tag)
                assert match and match.group(1) in labelled, (url, tag)
