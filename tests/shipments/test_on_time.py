"""On time or late, per Incoterm: E/F/C rules at hand-over, D rules at delivery."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.shipments.support import TWO_LINES, add_event, ago, at, create_shipment, paid_order
from tradeshield.kit import clock
from tradeshield.orders.models import Order

pytestmark = pytest.mark.django_db


def on_time(party, order_id: str) -> dict:
    response = party.client.get(f"/orders/{order_id}/tracking")
    assert response.status_code == 200, response.content
    return response.json()["on_time"]


def set_deadline(order_id: str, days_from_today: int) -> str:
    deadline = clock.today() + timedelta(days=days_from_today)
    Order.objects.filter(pk=order_id).update(ship_deadline=deadline)
    return deadline.isoformat()


def test_an_f_rule_order_is_on_time_when_handed_over_by_the_deadline(buyer, supplier):
    order = paid_order(buyer, supplier, incoterm="FOB")
    sid = create_shipment(supplier, order["id"]).json()["id"]
    assert on_time(buyer, order["id"])["status"] == "pending"
    add_event(supplier, sid, "picked_up", ago(hours=1))
    judged = on_time(buyer, order["id"])
    assert (judged["measured_at"], judged["status"], judged["days_late"]) == ("handover", "on_time", 0)
    assert judged["met_at"] is not None and judged["running_late"] is False


def test_an_f_rule_order_handed_over_after_the_deadline_is_late_by_whole_days(buyer, supplier):
    order = paid_order(buyer, supplier, incoterm="FCA")
    deadline = set_deadline(order["id"], -3)
    sid = create_shipment(supplier, order["id"]).json()["id"]
    overdue = on_time(supplier, order["id"])
    assert (overdue["status"], overdue["days_late"], overdue["deadline"]) == ("overdue", 3, deadline)
    assert overdue["running_late"] is True
    add_event(supplier, sid, "picked_up", at())
    late = on_time(supplier, order["id"])
    assert (late["status"], late["days_late"], late["running_late"]) == ("late", 3, False)


def test_a_partial_hand_over_does_not_make_an_order_on_time(buyer, supplier):
    order = paid_order(buyer, supplier, incoterm="FOB", lines=TWO_LINES)
    part = create_shipment(supplier, order["id"], lines=[{"position": 1, "quantity": "1000"}]).json()["id"]
    rest = create_shipment(supplier, order["id"], tracking="MAEU200").json()["id"]
    add_event(supplier, part, "departed", ago(hours=3))
    assert Order.objects.get(pk=order["id"]).status == "shipped"  # the first hand-over ships the order
    assert on_time(buyer, order["id"])["status"] == "pending"  # but not everything is handed over yet
    set_deadline(order["id"], -1)
    assert on_time(buyer, order["id"])["status"] == "overdue"
    add_event(supplier, rest, "departed", ago(hours=1))
    assert on_time(buyer, order["id"])["status"] == "late"


def test_a_d_rule_order_is_judged_at_delivery_not_at_hand_over(buyer, supplier):
    order = paid_order(buyer, supplier, incoterm="DAP")
    sid = create_shipment(supplier, order["id"], estimated_arrival=at(timedelta(days=10))).json()["id"]
    add_event(supplier, sid, "picked_up", ago(days=2))
    handed = on_time(buyer, order["id"])
    assert (handed["measured_at"], handed["status"], handed["met_at"]) == ("delivery", "pending", None)
    assert handed["expected_at"] is not None
    add_event(supplier, sid, "delivered", ago(hours=1))
    delivered = on_time(buyer, order["id"])
    assert (delivered["status"], delivered["days_late"]) == ("on_time", 0)


def test_a_d_rule_order_delivered_after_the_deadline_is_late(buyer, supplier):
    order = paid_order(buyer, supplier, incoterm="DDP")
    set_deadline(order["id"], -2)
    sid = create_shipment(supplier, order["id"]).json()["id"]
    add_event(supplier, sid, "picked_up", ago(days=5))
    add_event(supplier, sid, "delivered", at())
    judged = on_time(buyer, order["id"])
    assert (judged["status"], judged["days_late"]) == ("late", 2)


def test_a_d_rule_order_whose_eta_is_past_the_deadline_is_at_risk(buyer, supplier):
    order = paid_order(buyer, supplier, incoterm="DPU")
    deadline = set_deadline(order["id"], 5)
    sid = create_shipment(supplier, order["id"], estimated_arrival=at(timedelta(days=4))).json()["id"]
    assert on_time(buyer, order["id"])["status"] == "pending"
    add_event(supplier, sid, "departed", ago(hours=2), eta=at(timedelta(days=8)))
    judged = on_time(buyer, order["id"])
    assert (judged["status"], judged["days_late"], judged["deadline"]) == ("at_risk", 3, deadline)
    assert judged["running_late"] is True


def test_an_order_shipped_before_shipments_existed_is_judged_by_its_own_dates(buyer, supplier):
    order = paid_order(buyer, supplier, incoterm="FOB")
    Order.objects.filter(pk=order["id"]).update(status="shipped", shipped_at=clock.now())
    assert on_time(buyer, order["id"])["status"] == "on_time"
