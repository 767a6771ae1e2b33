"""Inspection events reach both sides, and the booked agency, in the app and by email."""

from __future__ import annotations

import pytest

from tests.conftest import VISA
from tests.inspections.conftest import paid_inspected_order, visit
from tradeshield.notifications.emails import compose
from tradeshield.notifications.models import EmailDelivery, Notification
from tradeshield.notifications.render import render_notification
from tradeshield.notifications.services import relay_event
from tradeshield.orders.models import OrderEvent

pytestmark = pytest.mark.django_db


def _relay_all(order_id: str) -> None:
    for event_id in OrderEvent.objects.filter(order_id=order_id).values_list("pk", flat=True):
        relay_event(event_id)


def test_the_agency_hears_about_requests_and_paid_fees_and_the_buyer_is_asked_to_pay(buyer, supplier, agency):
    order = paid_inspected_order(buyer, supplier)
    inspection = visit(supplier, order["id"], agency.org.id).json()
    _relay_all(order["id"])

    to_buyer = Notification.objects.get(user=buyer.user, event__kind="inspection.requested")
    assert render_notification(to_buyer)["title"] == "Inspection visit requested: pay the fee"
    assert EmailDelivery.objects.filter(user=buyer.user, event__kind="inspection.requested").exists()
    to_agency = Notification.objects.get(user=agency.user, event__kind="inspection.requested")
    assert to_agency.side == "agency"
    assert "needs a pre-shipment inspection" in render_notification(to_agency)["body"]
    assert render_notification(to_agency)["inspection_id"] == inspection["id"]
    email = EmailDelivery.objects.get(user=agency.user, event__kind="inspection.requested")
    assert agency.org.name in compose(email).body
    assert f"/inspections/{inspection['id']}/" in compose(email).body
    page = agency.client.client
    page.force_login(agency.user)
    assert f"/inspections/{inspection['id']}/" in page.get("/notifications/").content.decode()

    assert buyer.client.post(f"/inspections/{inspection['id']}/fee-payment", {"card": VISA}).status_code == 200
    _relay_all(order["id"])
    booked = Notification.objects.get(user=agency.user, event__kind="inspection.fee_paid")
    assert render_notification(booked)["title"] == "Inspection booked: set a date"
    # The buyer paid: the buyer is not told about their own action; the supplier is.
    assert not Notification.objects.filter(user=buyer.user, event__kind="inspection.fee_paid").exists()
    assert Notification.objects.filter(user=supplier.user, event__kind="inspection.fee_paid").exists()


def test_an_agency_hears_nothing_about_orders_it_does_not_inspect(buyer, supplier, agency):
    order = paid_inspected_order(buyer, supplier)
    _relay_all(order["id"])
    assert not Notification.objects.filter(user=agency.user).exists()
