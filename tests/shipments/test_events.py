"""Tracking events entered by the supplier: placed by their own time, repeats ignored, no future."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.shipments.support import add_event, ago, at, create_shipment, iso, kinds, paid_order
from tradeshield.orders.models import Order
from tradeshield.shipments.models import ShipmentEvent

pytestmark = pytest.mark.django_db


def test_events_that_arrive_out_of_order_are_placed_by_their_own_time(buyer, supplier):
    order = paid_order(buyer, supplier, incoterm="DAP")
    shipment = create_shipment(supplier, order["id"], estimated_arrival=at(timedelta(days=20))).json()
    sid = shipment["id"]
    delivered, departed, picked = ago(hours=1), ago(days=5), ago(days=6)

    assert add_event(supplier, sid, "delivered", delivered, location="Hamburg").status_code == 201
    new_eta = at(timedelta(days=9))
    late_news = add_event(supplier, sid, "departed", departed, location="Yantian", eta=new_eta)
    assert late_news.status_code == 201
    body = add_event(supplier, sid, "picked_up", picked).json()["shipment"]

    assert [e["kind"] for e in body["events"]] == ["picked_up", "departed", "delivered"]
    assert body["status"] == "delivered"  # the latest event by occurred_at, although it arrived first
    assert body["handed_over_at"] == picked and body["delivered_at"] == delivered
    assert body["eta"] == new_eta
    stored = Order.objects.get(pk=order["id"])
    assert stored.status == "delivered"
    # Shipped when the first news came, but dated by the earliest hand-over the carrier reported since.
    assert iso(stored.shipped_at) == picked
    assert iso(stored.delivered_at) == delivered


def test_status_follows_the_latest_event_not_the_latest_arrival(buyer, supplier):
    order = paid_order(buyer, supplier)
    sid = create_shipment(supplier, order["id"]).json()["id"]
    add_event(supplier, sid, "customs", ago(hours=2))
    body = add_event(supplier, sid, "departed", ago(days=3)).json()["shipment"]
    assert body["status"] == "customs"
    assert [e["kind"] for e in body["events"]] == ["departed", "customs"]


def test_a_repeated_event_is_acknowledged_once(buyer, supplier):
    order = paid_order(buyer, supplier)
    sid = create_shipment(supplier, order["id"]).json()["id"]
    when = ago(hours=3)
    first = add_event(supplier, sid, "exception", when, description="Container held")
    again = add_event(supplier, sid, "exception", when, description="Container held")
    assert first.status_code == 201 and first.json()["duplicate"] is False
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["event"]["id"] == first.json()["event"]["id"]
    with_id = add_event(supplier, sid, "customs", ago(hours=2), event_id="ERP-7")
    same_id = add_event(supplier, sid, "customs", ago(hours=1), event_id="ERP-7")
    assert with_id.status_code == 201 and same_id.status_code == 200
    assert ShipmentEvent.objects.filter(shipment_id=sid).count() == 2
    assert kinds(order["id"]).count("shipment.exception") == 1  # one notification, not two


def test_events_in_the_future_beyond_the_skew_are_refused(buyer, supplier):
    order = paid_order(buyer, supplier)
    sid = create_shipment(supplier, order["id"]).json()["id"]
    future = add_event(supplier, sid, "departed", at(timedelta(minutes=10)))
    assert future.status_code == 422
    assert future.json()["error"]["code"] == "event_in_future"
    assert future.json()["error"]["field"] == "occurred_at"
    assert add_event(supplier, sid, "departed", at(timedelta(minutes=2))).status_code == 201  # within the skew
    unknown = add_event(supplier, sid, "teleported", ago(hours=1))
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "kind"
    naive = add_event(supplier, sid, "customs", "2026-01-01T10:00:00")
    assert naive.status_code == 422 and naive.json()["error"]["field"] == "occurred_at"
    assert ShipmentEvent.objects.filter(shipment_id=sid).count() == 1
    assert add_event(supplier, "shp_missing", "customs", ago(hours=1)).status_code == 404


def test_eta_history_lists_every_revision_in_the_order_made(buyer, supplier):
    order = paid_order(buyer, supplier)
    first_eta, second, third = (at(timedelta(days=d)) for d in (20, 22, 21))
    sid = create_shipment(supplier, order["id"], estimated_arrival=first_eta).json()["id"]
    add_event(supplier, sid, "departed", ago(days=2), eta=second)
    body = add_event(supplier, sid, "arrived_at_port", ago(days=1), eta=third).json()["shipment"]
    assert [r["source"] for r in body["eta_history"]] == ["shipment", "manual", "manual"]
    assert [r["eta"] for r in body["eta_history"]] == [first_eta, second, third]
    assert body["estimated_arrival"] == first_eta and body["eta"] == third
