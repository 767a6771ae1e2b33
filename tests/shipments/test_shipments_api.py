"""Shipments through the API: partial shipments, quantities, the moved /ship endpoint, scoping."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import ApiClient, confirmed_order
from tests.shipments.support import TWO_LINES, add_event, ago, create_shipment, kinds, paid_order
from tradeshield.orders.models import Order
from tradeshield.organizations import services as orgs
from tradeshield.shipments.models import Shipment, ShipmentEvent

pytestmark = pytest.mark.django_db


def test_partial_shipments_carry_parts_of_lines_and_never_more_than_ordered(buyer, supplier):
    order = paid_order(buyer, supplier, lines=TWO_LINES)
    first = create_shipment(
        supplier, order["id"], lines=[{"position": 1, "quantity": "600"}], origin="Yantian", destination="Hamburg"
    )
    assert first.status_code == 201, first.content
    shipment = first.json()
    assert shipment["id"].startswith("shp_")
    assert shipment["status"] == "created"
    assert shipment["lines"] == [{"position": 1, "product_name": "LED panel", "quantity": "600", "unit": "pcs"}]
    assert shipment["carrier_code"] == "maersk"

    too_much = create_shipment(supplier, order["id"], tracking="MAEU200", lines=[{"position": 1, "quantity": "401"}])
    assert too_much.status_code == 422
    assert too_much.json()["error"] == {
        "code": "quantity_exceeds_remaining",
        "message": "Line 1 has 400 pcs left to ship.",
        "field": "lines[0].quantity",
    }
    unknown_line = create_shipment(supplier, order["id"], lines=[{"position": 9, "quantity": "1"}])
    assert unknown_line.status_code == 422 and unknown_line.json()["error"]["field"] == "lines[0].position"
    zero = create_shipment(supplier, order["id"], lines=[{"position": 2, "quantity": "0"}])
    assert zero.status_code == 422 and zero.json()["error"]["code"] == "shipment_invalid"

    rest = create_shipment(supplier, order["id"], tracking="MAEU200")  # no lines: everything left
    assert rest.status_code == 201
    assert rest.json()["lines"] == [
        {"position": 1, "product_name": "LED panel", "quantity": "400", "unit": "pcs"},
        {"position": 2, "product_name": "Driver", "quantity": "500", "unit": "pcs"},
    ]
    nothing_left = create_shipment(supplier, order["id"], tracking="MAEU300")
    assert nothing_left.status_code == 422 and nothing_left.json()["error"]["code"] == "quantity_exceeds_remaining"
    assert Shipment.objects.filter(order_id=order["id"]).count() == 2
    listed = buyer.client.get(f"/orders/{order['id']}/shipments").json()
    assert [s["tracking_number"] for s in listed["data"]] == ["MAEU100", "MAEU200"]
    assert listed["next_cursor"] is None
    paged = buyer.client.get(f"/orders/{order['id']}/shipments", limit=1).json()
    assert len(paged["data"]) == 1 and paged["next_cursor"] == shipment["id"]
    # Creating shipments does not ship the order: the carrier taking the goods does.
    assert Order.objects.get(pk=order["id"]).status == "paid"


def test_the_order_is_delivered_only_when_every_ordered_quantity_is(buyer, supplier):
    order = paid_order(buyer, supplier, lines=TWO_LINES)
    part = create_shipment(supplier, order["id"], lines=[{"position": 1, "quantity": "1000"}]).json()
    rest = create_shipment(supplier, order["id"], tracking="MAEU200").json()

    picked = ago(hours=30)
    assert add_event(supplier, part["id"], "picked_up", picked).status_code == 201
    shipped = Order.objects.get(pk=order["id"])
    assert shipped.status == "shipped"
    assert shipped.shipped_at.isoformat().replace("+00:00", "Z") == picked  # the event's time, not now

    assert add_event(supplier, part["id"], "delivered", ago(hours=2)).status_code == 201
    assert Order.objects.get(pk=order["id"]).status == "shipped"  # line 2 is still travelling

    delivered_at = ago(hours=1)
    assert add_event(supplier, rest["id"], "delivered", delivered_at).status_code == 201
    done = Order.objects.get(pk=order["id"])
    assert done.status == "delivered"
    assert done.delivered_at.isoformat().replace("+00:00", "Z") == delivered_at
    assert kinds(order["id"]).count("order.delivered") == 1
    assert kinds(order["id"]).count("shipment.delivered") == 2


def test_the_ship_endpoint_creates_one_shipment_with_everything_picked_up_now(buyer, supplier):
    order = paid_order(buyer, supplier, lines=TWO_LINES)
    response = supplier.client.post(
        f"/orders/{order['id']}/ship", {"carrier": "COSCO", "tracking_number": "COSU123", "mode": "sea"}, key=False
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "shipped" and response.json()["id"] == order["id"]
    shipment = Shipment.objects.get(order_id=order["id"])
    assert (shipment.carrier, shipment.tracking_number, shipment.mode, shipment.status) == (
        "COSCO",
        "COSU123",
        "sea",
        "picked_up",
    )
    assert sorted((p.line.position, format(p.quantity.normalize(), "f")) for p in shipment.lines.all()) == [
        (1, "1000"),
        (2, "500"),
    ]
    assert list(ShipmentEvent.objects.filter(shipment=shipment).values_list("kind", "source")) == [
        ("picked_up", "manual")
    ]
    assert kinds(order["id"])[-2:] == ["shipment.created", "order.shipped"]
    again = supplier.client.post(f"/orders/{order['id']}/ship", {"carrier": "DHL", "tracking_number": "1"}, key=False)
    assert again.status_code == 409 and again.json()["error"]["code"] == "order_not_shippable"
    assert Shipment.objects.filter(order_id=order["id"]).count() == 1


def test_ship_is_refused_when_everything_is_in_shipments_the_carrier_has_not_taken(buyer, supplier):
    order = paid_order(buyer, supplier)
    create_shipment(supplier, order["id"])  # everything, but the carrier has not taken it yet
    refused = supplier.client.post(f"/orders/{order['id']}/ship", {"carrier": "DHL", "tracking_number": "1"}, key=False)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "quantity_exceeds_remaining"
    assert Order.objects.get(pk=order["id"]).status == "paid"
    assert Shipment.objects.filter(order_id=order["id"]).count() == 1


def test_shipments_need_a_paid_order(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    response = create_shipment(supplier, order["id"])
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_not_shippable"
    assert not Shipment.objects.exists()


def test_only_the_supplier_writes_the_buyer_and_staff_read_and_strangers_see_nothing(
    buyer, supplier, other_buyer, django_user_model
):
    order = paid_order(buyer, supplier)
    shipment = create_shipment(supplier, order["id"]).json()
    sid, oid = shipment["id"], order["id"]

    assert create_shipment(buyer, oid).status_code == 403
    buyer_event = add_event(buyer, sid, "departed", ago(hours=1))
    assert buyer_event.status_code == 403 and buyer_event.json()["error"]["code"] == "wrong_party"
    assert buyer.client.get(f"/shipments/{sid}").status_code == 200
    assert buyer.client.get(f"/orders/{oid}/tracking").status_code == 200

    for path in (f"/shipments/{sid}", f"/orders/{oid}/shipments", f"/orders/{oid}/tracking"):
        response = other_buyer.client.get(path)
        assert response.status_code == 404, path
    stranger_write = add_event(other_buyer, sid, "departed", ago(hours=1))
    assert stranger_write.status_code == 404 and stranger_write.json()["error"]["code"] == "shipment_not_found"
    assert create_shipment(other_buyer, oid).status_code == 404
    assert (
        other_buyer.client.post(f"/orders/{oid}/ship", {"carrier": "x", "tracking_number": "y"}, key=False).status_code
        == 404
    )
    assert ShipmentEvent.objects.count() == 0

    django_user_model.objects.create_user("agent@tradeshield.test", "staff-password-1", staff_role="support_agent")
    token, _ = orgs.personal_token_issue(email="agent@tradeshield.test", password="staff-password-1")
    staff = ApiClient(token)
    assert staff.get(f"/shipments/{sid}").status_code == 200
    staff_write = staff.post(f"/shipments/{sid}/events", {"kind": "departed", "occurred_at": ago(hours=1)}, key=False)
    assert staff_write.status_code == 403 and staff_write.json()["error"]["code"] == "staff_read_only"


def test_bad_shipment_input_is_a_clear_4xx(buyer, supplier):
    order = paid_order(buyer, supplier)
    bad_mode = create_shipment(supplier, order["id"], mode="teleport")
    assert bad_mode.status_code == 422 and bad_mode.json()["error"]["field"] == "mode"
    unknown_field = create_shipment(supplier, order["id"], colour="red")
    assert unknown_field.status_code == 422 and unknown_field.json()["error"]["code"] == "unknown_field"
    malformed = supplier.client.post(f"/orders/{order['id']}/shipments", raw="{nope", key=False)
    assert malformed.status_code == 400
    assert not Shipment.objects.exists()


def test_creating_a_shipment_accepts_an_idempotency_key(buyer, supplier):
    order = paid_order(buyer, supplier)
    body = {"mode": "air", "carrier": "DHL", "tracking_number": "JD01", "lines": [{"position": 1, "quantity": "10"}]}
    first = supplier.client.post(f"/orders/{order['id']}/shipments", body, key="ship-key-1")
    replay = supplier.client.post(f"/orders/{order['id']}/shipments", body, key="ship-key-1")
    assert first.status_code == replay.status_code == 201
    assert replay.json()["id"] == first.json()["id"] and replay.headers["Idempotent-Replayed"] == "true"
    assert Shipment.objects.count() == 1
    without = supplier.client.post(f"/orders/{order['id']}/shipments", {**body, "tracking_number": "JD02"}, key=False)
    assert without.status_code == 201  # a key is welcome, not required: no money moves


def test_openapi_documents_the_shipment_endpoints(buyer):
    spec = buyer.client.client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/orders/{order_id}/ship",
        "/api/v1/orders/{order_id}/shipments",
        "/api/v1/orders/{order_id}/tracking",
        "/api/v1/shipments/{shipment_id}",
        "/api/v1/shipments/{shipment_id}/events",
        "/api/v1/shipment-events/import",
        "/api/v1/carriers/{carrier}/events",
    ):
        assert path in spec["paths"], path
    assert "ShipmentOut" in spec["components"]["schemas"]
    assert "text/csv" in spec["paths"]["/api/v1/shipment-events/import"]["post"]["requestBody"]["content"]


def test_an_order_becomes_shipped_at_the_carriers_time_even_with_a_late_report(buyer, supplier):
    order = paid_order(buyer, supplier)
    shipment = create_shipment(supplier, order["id"]).json()
    add_event(supplier, shipment["id"], "departed", ago(days=2))
    stored = Order.objects.get(pk=order["id"])
    assert stored.status == "shipped"
    assert abs((stored.updated_at - stored.shipped_at) - timedelta(days=2)) < timedelta(minutes=1)
