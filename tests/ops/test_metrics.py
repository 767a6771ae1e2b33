"""/metrics: bearer token, per-route request metrics, per-task job metrics, and the database gauges."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from tests.conftest import Party, confirmed_order, pay_card
from tests.notifications.support import run_pending_jobs
from tradeshield.kit import clock
from tradeshield.ledger.models import Transfer
from tradeshield.orders.models import Order
from tradeshield.protections.services import sweep

TOKEN = "metrics-test-token-123456"


def scrape(client: Client) -> str:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return response.content.decode()


def value(text: str, name: str, **labels: str) -> float | None:
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        metric, _sep, number = line.rpartition(" ")
        if metric.split("{")[0] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', metric))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(number)
    return None


@pytest.fixture
def token(settings: Any) -> str:
    settings.TRADESHIELD_METRICS_TOKEN = TOKEN
    return TOKEN


def test_metrics_are_off_without_a_token(client: Client, settings: Any) -> None:
    settings.TRADESHIELD_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_metrics_need_the_bearer_token(client: Client, token: str) -> None:
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Basic {token}"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_requests_jobs_escrow_queue_and_compensation(client: Client, token: str, buyer: Party, supplier: Party) -> None:
    before = scrape(client)
    route = "api/v1/orders/<order_id>/payments"
    paid_before = value(before, "tradeshield_http_requests_total", route=route, method="POST", status="201") or 0
    relay_before = (
        value(before, "tradeshield_jobs_total", task="notifications.relay_order_event", outcome="succeeded") or 0
    )

    order = confirmed_order(buyer, supplier, unit_price=1250, quantity="100")
    assert pay_card(buyer, order["id"]).status_code == 201
    text = scrape(client)
    # Labelled by route, never by the raw path (which holds the order id).
    assert value(text, "tradeshield_http_requests_total", route=route, method="POST", status="201") == paid_before + 1
    assert order["id"] not in text
    assert value(text, "tradeshield_http_request_duration_seconds_count", route=route, method="POST") is not None
    assert value(text, "tradeshield_escrow_held_minor_units", currency="USD") == 125_000
    assert (value(text, "tradeshield_job_queue_jobs", queue="notifications", status="todo") or 0) >= 1

    run_pending_jobs()
    text = scrape(client)
    assert (
        value(text, "tradeshield_jobs_total", task="notifications.relay_order_event", outcome="succeeded")
        > relay_before
    )  # type: ignore[operator]
    assert value(text, "tradeshield_job_duration_seconds_count", task="notifications.relay_order_event")
    assert value(text, "tradeshield_job_queue_jobs", queue="notifications", status="todo") is None

    # Late: compensation is paid, and counted with its amount.
    Order.objects.filter(pk=order["id"]).update(ship_deadline=clock.today() - timedelta(days=3))
    assert sweep().acted["late_compensation"] == 1
    paid = Transfer.objects.get(code="compensation")
    text = scrape(client)
    assert value(text, "tradeshield_compensations_total", currency="USD") == 1
    assert value(text, "tradeshield_compensation_paid_minor_units_total", currency="USD") == paid.amount
    assert value(text, "tradeshield_webhook_attempt_failures_total") == 0
    assert value(text, "tradeshield_workers_alive") == 0
    assert "# TYPE tradeshield_disputes_open gauge" in text
    assert value(text, "tradeshield_risk_queue") == 0  # risk monitoring exists: its queue is measured


@pytest.mark.django_db
def test_a_failing_job_is_counted_as_a_failure(token: str) -> None:
    from types import SimpleNamespace

    from procrastinate.jobs import Job

    from tradeshield.ops import metrics
    from tradeshield.ops.jobs import job_middleware

    job = Job(
        id=7,
        queue="default",
        lock=None,
        queueing_lock=None,
        task_name="ops.test_task",
        task_kwargs={"_request_id": "r"},
    )
    before = metrics.JOB_FAILURES.labels("ops.test_task")._value.get()

    def boom() -> None:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        job_middleware(boom, SimpleNamespace(job=job), None)
    assert metrics.JOB_FAILURES.labels("ops.test_task")._value.get() == before + 1
    assert job.task_kwargs == {}  # the request id never reaches the task
