"""Helpers for the shipment tests: paid orders, signed carrier notifications, relaying notifications."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.test import Client

from tests.conftest import Party, confirmed_order, pay_card
from tradeshield.kit import clock
from tradeshield.notifications import services as relay
from tradeshield.orders.models import OrderEvent
from tradeshield.shipments import webhook

TWO_LINES = [
    {"product_name": "LED panel", "quantity": "1000", "unit": "pcs", "unit_price": {"amount": 1250, "currency": "USD"}},
    {"product_name": "Driver", "quantity": "500", "unit": "pcs", "unit_price": {"amount": 300, "currency": "USD"}},
]


def paid_order(buyer: Party, supplier: Party, **kwargs: Any) -> dict[str, Any]:
    order = confirmed_order(buyer, supplier, **kwargs)
    paid = pay_card(buyer, order["id"])
    assert paid.status_code == 201, paid.content
    return order


def at(delta: timedelta = timedelta()) -> str:
    """RFC 3339 in whole seconds (the API renders milliseconds), `delta` from now."""
    return (clock.now() + delta).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def ago(**kwargs: float) -> str:
    return at(-timedelta(**kwargs))


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def create_shipment(supplier: Party, order_id: str, *, tracking: str = "MAEU100", **extra: Any) -> Any:
    body = {"mode": "sea", "carrier": "Maersk", "tracking_number": tracking, **extra}
    return supplier.client.post(f"/orders/{order_id}/shipments", body, key=False)


def add_event(supplier: Party, shipment_id: str, kind: str, occurred_at: str, **extra: Any) -> Any:
    return supplier.client.post(
        f"/shipments/{shipment_id}/events", {"kind": kind, "occurred_at": occurred_at, **extra}, key=False
    )


def carrier_post(
    carrier: str,
    body: dict[str, Any] | bytes,
    *,
    msg_id: str | None = None,
    timestamp: int | None = None,
    signature: str | None = None,
) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    ts = timestamp if timestamp is not None else int(time.time())
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": webhook.sign(carrier=carrier, msg_id=msg_id, timestamp=ts, body=raw)
        if signature is None
        else signature,
    }
    return Client().post(
        f"/api/v1/carriers/{carrier}/events", data=raw, content_type="application/json", headers=headers
    )


def relay_all() -> int:
    return sum(relay.relay_event(pk) for pk in OrderEvent.objects.order_by("id").values_list("id", flat=True))


def kinds(order_id: str) -> list[str]:
    return list(OrderEvent.objects.filter(order_id=order_id).order_by("id").values_list("kind", flat=True))
