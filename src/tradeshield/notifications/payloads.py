"""Webhook bodies: `{"type", "timestamp", "data"}` with the order exactly as the API returns it."""

from __future__ import annotations

import json
from typing import Any

from ninja.responses import NinjaJSONEncoder

from tradeshield.kit import clock
from tradeshield.notifications.catalogue import TEST_EVENT_TYPE
from tradeshield.notifications.models import WebhookEndpoint
from tradeshield.orders.models import OrderEvent
from tradeshield.orders.render import render_order
from tradeshield.orders.schemas import OrderOut


def _dumps(value: Any) -> str:
    return json.dumps(value, cls=NinjaJSONEncoder, separators=(",", ":"), ensure_ascii=False)


def event_body(event: OrderEvent, *, message_id: str, event_type: str) -> str:
    order = OrderOut.model_validate(render_order(event.order)).model_dump()
    order["event"] = {
        "id": message_id,
        "kind": event.kind,
        "actor": event.actor,
        "from_status": event.from_status or None,
        "to_status": event.to_status or None,
        "data": event.data,
        "created_at": event.created_at,
    }
    return _dumps({"type": event_type, "timestamp": event.created_at, "data": order})


def test_body(endpoint: WebhookEndpoint, *, message_id: str) -> str:
    data = {"id": message_id, "endpoint_id": endpoint.id, "message": "A test message from TradeShield."}
    return _dumps({"type": TEST_EVENT_TYPE, "timestamp": clock.now(), "data": data})
