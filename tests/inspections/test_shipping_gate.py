"""An order that requires a pre-shipment inspection cannot ship until the inspection clears it."""

from __future__ import annotations

import pytest

from tests.conftest import confirmed_order, pay_card
from tradeshield.kit import clock
from tradeshield.orders.models import Order

pytestmark = pytest.mark.django_db


def test_required_inspection_blocks_shipping_until_cleared(buyer, supplier):
    order = confirmed_order(buyer, supplier, inspection_required=True)
    assert pay_card(buyer, order["id"]).status_code == 201
    ship = {"carrier": "Maersk", "tracking_number": "MAEU1234567", "mode": "sea"}

    blocked = supplier.client.post(f"/orders/{order['id']}/ship", ship, key=False)
    assert blocked.status_code == 409
    assert blocked.json()["error"]["code"] == "inspection_not_passed"
    assert Order.objects.get(pk=order["id"]).status == "paid"

    Order.objects.filter(pk=order["id"]).update(inspection_cleared_at=clock.now())
    shipped = supplier.client.post(f"/orders/{order['id']}/ship", ship, key=False)
    assert shipped.status_code == 200, shipped.content
    assert shipped.json()["status"] == "shipped"
