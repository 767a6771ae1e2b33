from __future__ import annotations

from tests.conftest import confirmed_order, pay_card


def completed_order(buyer, supplier) -> str:
    order = confirmed_order(buyer, supplier)
    assert pay_card(buyer, order["id"]).status_code == 201
    shipped = supplier.client.post(f"/orders/{order['id']}/ship", {"carrier": "DHL", "tracking_number": "1"})
    assert shipped.status_code == 200, shipped.content
    received = buyer.client.post(f"/orders/{order['id']}/confirm-receipt")
    assert received.status_code == 200, received.content
    assert received.json()["status"] == "completed"
    return str(order["id"])


GOOD = {"product_quality": 5, "delivery_time": 4, "service": 5, "text": "Panels as specified, shipped on time."}
