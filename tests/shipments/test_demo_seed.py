"""The demo's shipped and delivered orders have real shipments with carrier events."""

from __future__ import annotations

import pytest

from tradeshield.demo.seed import seed_demo
from tradeshield.orders.models import Order
from tradeshield.payments.models import Payment
from tradeshield.shipments.models import Shipment

pytestmark = pytest.mark.django_db


def test_shipped_and_delivered_demo_orders_have_shipments_with_events():
    assert seed_demo(if_empty=True) is True
    # Orders that went through escrow (the directory's imported order history did not).
    paid = Payment.objects.values("order_id")
    for status in ("shipped", "delivered", "completed"):
        for order in Order.objects.filter(status=status, id__in=paid):
            shipments = list(Shipment.objects.filter(order=order))
            assert shipments, (status, order.title)
            assert all(s.events.count() >= 2 for s in shipments), order.title
            assert order.shipped_at == min(s.handed_over_at for s in shipments)
    delivered = Order.objects.get(status="delivered")
    shipment = Shipment.objects.get(order=delivered)
    assert shipment.status == "delivered" and delivered.delivered_at == shipment.delivered_at
