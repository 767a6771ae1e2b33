"""The staff vital-signs page: numbers that match the database, charts, and tiles for what is not built yet."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client

from tests.conftest import Party, confirmed_order, pay_card
from tradeshield.accounts.models import User
from tradeshield.kit import clock
from tradeshield.notifications.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tradeshield.ops import heartbeat
from tradeshield.orders.models import Order
from tradeshield.protections.services import sweep

pytestmark = pytest.mark.django_db


def tile(html: str, tile_id: str) -> str:
    match = re.search(rf'id="{tile_id}">(.*?)</div>', html, re.S)
    assert match, tile_id
    return match.group(1).strip()


def chart(html: str, script_id: str) -> dict:
    match = re.search(rf'<script id="{script_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, script_id
    return json.loads(match.group(1))


def test_staff_see_the_platforms_vital_signs(buyer: Party, supplier: Party) -> None:
    paid = confirmed_order(buyer, supplier, unit_price=1250, quantity="100")
    assert pay_card(buyer, paid["id"]).status_code == 201
    late = confirmed_order(buyer, supplier, unit_price=2000, quantity="10")
    assert pay_card(buyer, late["id"]).status_code == 201
    Order.objects.filter(pk=late["id"]).update(ship_deadline=clock.today() - timedelta(days=5))
    confirmed_order(buyer, supplier)  # awaiting payment
    assert sweep().acted["late_compensation"] == 1
    endpoint = WebhookEndpoint.objects.create(
        organization=buyer.org, url="https://hooks.example.com/x", secret="whsec_x"
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint, message_id="m1", event_type="order.paid", body="{}", status=DeliveryStatus.FAILED
    )
    heartbeat.beat("host-a:1", clock.real_now())

    staff = Client()
    staff.force_login(User.objects.create_user("agent@ops.test", "agent-password-42", staff_role="support_agent"))
    response = staff.get("/staff/vital-signs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert tile(html, "tile-orders") == "3"
    assert tile(html, "tile-late") == "1"  # compensated, still not shipped
    assert tile(html, "tile-webhooks") == "1"
    assert "1 worker alive" in html
    assert chart(html, "held-chart-data")["tooltips"] == ["1,450.00 USD"]  # 1,250.00 + 200.00 held
    statuses = chart(html, "status-chart-data")
    assert sum(statuses["values"]) == 3
    assert chart(html, "late-chart-data")["values"] == [1]  # 4 to 7 days late
    assert 'id="compensation-table"' in html and "20.00 USD</td>" in html  # 10 % of USD 200
    assert chart(html, "queue-chart-data")["values"]  # the payments deferred notification jobs
    # Disputes and the risk queue both exist now: no tile says "not available yet".
    assert "not available yet" not in html
    assert "Risk queue" in html
    assert re.search(r'id="tile-risk">\s*<div class="stat-value">0</div>', html)
    assert 'src="/static/vendor/chart.js/chart.umd.js"' in html


def test_organization_members_may_not_see_them(buyer: Party) -> None:
    client = Client()
    client.force_login(buyer.user)
    assert client.get("/staff/vital-signs/").status_code == 403
