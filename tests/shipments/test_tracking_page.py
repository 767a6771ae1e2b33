"""The tracking page: both sides see it, strangers get a 404, the supplier's forms work."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from tests.shipments.support import add_event, ago, at, create_shipment, paid_order
from tradeshield.kit import clock
from tradeshield.orders.models import Order
from tradeshield.shipments.models import Shipment, ShipmentEvent

pytestmark = pytest.mark.django_db


def browser(party: Any) -> Client:
    client = Client()
    client.force_login(party.user)
    return client


def test_both_sides_and_staff_see_the_page_and_a_stranger_gets_404(buyer, supplier, other_buyer, django_user_model):
    order = paid_order(buyer, supplier)
    sid = create_shipment(supplier, order["id"], origin="Yantian", destination="Hamburg").json()["id"]
    add_event(supplier, sid, "departed", ago(hours=3), location="Yantian", description="Loaded on board")
    url = f"/orders/{order['id']}/tracking/"

    for party in (buyer, supplier):
        page = browser(party).get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "MAEU100" in html and "Loaded on board" in html and "Yantian" in html
        assert f'hx-get="/orders/{order["id"]}/tracking/live/"' in html and 'hx-trigger="every 15s"' in html
        assert "On time" in html  # FOB, handed over before the deadline
    supplier_html = browser(supplier).get(url).content.decode()
    assert 'action="/orders/{}/shipment-events/"'.format(order["id"]) in supplier_html
    assert '<label class="form-label" for="id_occurred_at">' in supplier_html  # labelled inputs
    buyer_html = browser(buyer).get(url).content.decode()
    assert "shipment-events" not in buyer_html  # the buyer reads, the supplier writes

    assert browser(other_buyer).get(url).status_code == 404
    assert browser(other_buyer).get(f"/orders/{order['id']}/tracking/live/").status_code == 404
    staff = django_user_model.objects.create_user(
        "ops@tradeshield.test", "staff-password-1", staff_role="support_agent"
    )
    staff_page = browser(type("P", (), {"user": staff})).get(url)
    assert staff_page.status_code == 200 and "shipment-events" not in staff_page.content.decode()

    live = browser(buyer).get(f"/orders/{order['id']}/tracking/live/")
    assert live.status_code == 200
    assert live.content.decode().lstrip().startswith('<div id="tracking-live"')
    assert "<html" not in live.content.decode()


def test_the_page_warns_when_the_eta_is_past_a_d_rule_deadline(buyer, supplier):
    order = paid_order(buyer, supplier, incoterm="DAP")
    sid = create_shipment(supplier, order["id"], estimated_arrival=at(timedelta(days=10))).json()["id"]
    page = browser(buyer).get(f"/orders/{order['id']}/tracking/").content.decode()
    assert 'role="alert"' not in page
    add_event(supplier, sid, "departed", ago(hours=1), eta=at(timedelta(days=33)))
    page = browser(buyer).get(f"/orders/{order['id']}/tracking/").content.decode()
    assert 'role="alert"' in page and "Running late: expected 3 days after the deadline" in page
    assert "How the estimated arrival moved" in page and "+23 days" in page


def test_the_page_warns_when_an_f_rule_order_is_not_handed_over_by_the_deadline(buyer, supplier):
    order = paid_order(buyer, supplier, incoterm="FOB")
    Order.objects.filter(pk=order["id"]).update(ship_deadline=clock.today() - timedelta(days=2))
    page = browser(supplier).get(f"/orders/{order['id']}/tracking/").content.decode()
    assert "Running late: not handed to the carrier, 2 days past the deadline" in page


def test_the_supplier_creates_a_partial_shipment_records_an_event_and_imports_a_csv(buyer, supplier):
    order = paid_order(buyer, supplier)
    client = browser(supplier)
    too_much = client.post(
        f"/orders/{order['id']}/shipments/",
        {"mode": "air", "carrier": "DHL", "tracking_number": "JD014", "line_1": "101"},
    )
    assert too_much.status_code == 422 and "Line 1 has 100 pcs left to ship." in too_much.content.decode()
    assert not Shipment.objects.exists()
    created = client.post(
        f"/orders/{order['id']}/shipments/",
        {"mode": "air", "carrier": "DHL", "tracking_number": "JD014", "line_1": "40", "origin": "HKG"},
    )
    assert created.status_code == 302
    shipment = Shipment.objects.get()
    assert [p.quantity for p in shipment.lines.all()] == [40]

    when = (clock.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    recorded = client.post(
        f"/orders/{order['id']}/shipment-events/",
        {"shipment_id": shipment.id, "kind": "picked_up", "occurred_at": when, "location": "HKG"},
    )
    assert recorded.status_code == 302
    event = ShipmentEvent.objects.get()
    assert event.occurred_at.strftime("%Y-%m-%dT%H:%M") == when and event.occurred_at.utcoffset() == timedelta(0)
    assert Order.objects.get(pk=order["id"]).status == "shipped"

    bad = client.post(
        f"/orders/{order['id']}/shipment-events/import/",
        {"text": f"tracking_number,kind,occurred_at\nJD014,departed,{ago(hours=1)}\nJD014,landed,{ago(hours=1)}\n"},
    )
    assert bad.status_code == 422 and "Row 3, column kind" in bad.content.decode()
    assert ShipmentEvent.objects.count() == 1
    good = client.post(
        f"/orders/{order['id']}/shipment-events/import/",
        {"text": f"tracking_number,kind,occurred_at\nJD014,departed,{ago(hours=1)}\n"},
        follow=True,
    )
    assert "Imported 1 events (0 already recorded)." in good.content.decode()
    assert ShipmentEvent.objects.count() == 2

    as_buyer = browser(buyer).post(
        f"/orders/{order['id']}/shipments/", {"mode": "air", "carrier": "DHL", "tracking_number": "X", "line_1": "1"}
    )
    assert as_buyer.status_code == 403
    assert Shipment.objects.count() == 1


def test_the_order_page_ship_form_creates_a_shipment_and_links_to_tracking(buyer, supplier):
    order = paid_order(buyer, supplier)
    client = browser(supplier)
    response = client.post(
        f"/orders/{order['id']}/ship/", {"carrier": "Maersk", "tracking_number": "MAEU9", "mode": "sea"}
    )
    assert response.status_code == 302
    shipment = Shipment.objects.get(order_id=order["id"])
    assert shipment.status == "picked_up" and shipment.tracking_number == "MAEU9"
    detail = client.get(f"/orders/{order['id']}/").content.decode()
    assert f'href="/orders/{order["id"]}/tracking/"' in detail
