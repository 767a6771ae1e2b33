"""Delays and exceptions reach both sides, in the app and by email, once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import PASSWORD
from tests.shipments.support import add_event, ago, at, carrier_post, create_shipment, kinds, paid_order, relay_all
from tradeshield.notifications.models import EmailDelivery, Notification
from tradeshield.notifications.text import render_text
from tradeshield.orders.models import Order, OrderEvent
from tradeshield.organizations import services as orgs

pytestmark = pytest.mark.django_db


def recipients(kind: str, model) -> set[tuple[str, str]]:
    return set(model.objects.filter(event__kind=kind).values_list("user__email", "side"))


def test_a_carrier_exception_notifies_both_sides_in_the_app_and_by_email_once(buyer, supplier):
    order = paid_order(buyer, supplier)
    create_shipment(supplier, order["id"])
    relay_all()
    body = {
        "tracking_number": "MAEU100",
        "kind": "exception",
        "occurred_at": ago(hours=1),
        "description": "Port strike",
    }
    assert carrier_post("maersk", body, msg_id="msg_ex").status_code == 200
    assert carrier_post("maersk", body, msg_id="msg_ex").json()["duplicate"] is True
    relay_all()
    both = {(buyer.user.email, "buyer"), (supplier.user.email, "supplier")}
    assert recipients("shipment.exception", Notification) == both
    assert recipients("shipment.exception", EmailDelivery) == both
    assert Notification.objects.filter(event__kind="shipment.exception").count() == 2
    event = OrderEvent.objects.get(kind="shipment.exception")
    text = render_text(event, "buyer")
    assert text.title == "Shipment exception"
    assert "Port strike" in text.body and "MAEU100" in text.body


def test_an_eta_moved_past_a_d_rule_deadline_notifies_both_sides(buyer, supplier):
    order = paid_order(buyer, supplier, incoterm="DAP")
    deadline = Order.objects.get(pk=order["id"]).ship_deadline
    create_shipment(supplier, order["id"], estimated_arrival=at(timedelta(days=20)))
    carrier_post("maersk", {"tracking_number": "MAEU100", "kind": "departed", "occurred_at": ago(days=1)})
    assert "shipment.delayed" not in kinds(order["id"])  # no new ETA, no delay
    late_eta = at(timedelta(days=32))  # the deadline is 30 days out
    carrier_post(
        "maersk",
        {"tracking_number": "MAEU100", "kind": "arrived_at_port", "occurred_at": ago(hours=2), "eta": late_eta},
    )
    relay_all()
    delayed = OrderEvent.objects.get(kind="shipment.delayed")
    assert delayed.data["reason"] == "past_deadline"
    assert delayed.data["eta"][:10] == late_eta[:10] and delayed.data["ship_deadline"] == deadline.isoformat()
    both = {(buyer.user.email, "buyer"), (supplier.user.email, "supplier")}
    assert recipients("shipment.delayed", Notification) == both
    assert recipients("shipment.delayed", EmailDelivery) == both
    assert late_eta[:10] in render_text(delayed, "supplier").body


def test_an_eta_that_slips_more_than_the_threshold_is_a_delay_and_a_small_slip_is_not(buyer, supplier, settings):
    settings.TRADESHIELD_SHIPMENT_DELAY_THRESHOLD_HOURS = 48
    colleague = orgs.member_create(organization=supplier.org, email="ops@widgets.test", password=PASSWORD, role="sales")
    order = paid_order(buyer, supplier, incoterm="FOB")
    sid = create_shipment(supplier, order["id"], estimated_arrival=at(timedelta(days=10))).json()["id"]
    add_event(supplier, sid, "departed", ago(hours=5), eta=at(timedelta(days=11)))  # a day: not a delay
    assert "shipment.delayed" not in kinds(order["id"])
    add_event(supplier, sid, "customs", ago(hours=1), eta=at(timedelta(days=14)))
    relay_all()
    delayed = OrderEvent.objects.get(kind="shipment.delayed")
    assert delayed.data["reason"] == "slipped"
    # The supplier who typed it is not told about their own entry; their colleague and the buyer are.
    assert recipients("shipment.delayed", Notification) == {(buyer.user.email, "buyer"), (colleague.email, "supplier")}


def test_an_older_eta_reported_late_is_history_not_a_delay(buyer, supplier):
    order = paid_order(buyer, supplier, incoterm="DAP")
    sid = create_shipment(supplier, order["id"], estimated_arrival=at(timedelta(days=10))).json()["id"]
    newest = at(timedelta(days=9))
    add_event(supplier, sid, "customs", ago(hours=1), eta=newest)
    body = add_event(supplier, sid, "departed", ago(days=3), eta=at(timedelta(days=40))).json()["shipment"]
    assert body["eta"] == newest  # the newest news (by occurred_at) decides the ETA
    assert "shipment.delayed" not in kinds(order["id"])
