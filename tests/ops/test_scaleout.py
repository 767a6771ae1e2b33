"""Scale-out: two web servers and two job workers on one PostgreSQL.

Orders go through both web servers over HTTP (created, confirmed by both sides, paid by card, half of
them shipped); the requests defer notification jobs, which both workers run. Then the unshipped orders'
ship-by dates are moved into the past (the real-time sweep ignores orders on simulation clocks, so this is
how a deadline falls due under real workers; tests/quality/test_faults.py does the same) and several
sweeps are queued at once, so both workers sweep the same due orders concurrently. Afterwards:

- every job ran exactly once (one `started` event each) and succeeded;
- every deadline fired exactly once (one `late_compensation` action and one compensation per late order);
- the books balance;
- both workers ran jobs, both keep a heartbeat, and both web servers say they are ready;
- a job's log line carries the request id of the HTTP request that deferred it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from django.db import connection
from django.db.models import Count

from tests.helpers import assert_books_balance
from tests.quality.test_faults import (
    CARD,
    PASSWORD,
    database_url,
    end_other_sessions,
    forget_jobs,
    free_port,
    wait_for,
    wait_until_serving,
)
from tradeshield.kit import clock
from tradeshield.ledger.models import Transfer
from tradeshield.orders.models import Order
from tradeshield.organizations import services as orgs
from tradeshield.organizations.models import OrgKind
from tradeshield.protections.models import ProtectionAction
from tradeshield.protections.tasks import protections_sweep
from tradeshield.suppliers.fixtures import qualify

pytestmark = [pytest.mark.scaleout, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
__all__ = ["forget_jobs"]  # autouse: leaves no jobs behind for later tests

ORDERS = 12
METRICS_TOKEN = "scaleout-metrics-token"


@contextmanager
def spawn(command: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "TRADESHIELD_SECURE_COOKIES": "0",
        "TRADESHIELD_HEARTBEAT_INTERVAL_SECONDS": "1",
        "TRADESHIELD_EMAIL_BACKEND": "console",
        "TRADESHIELD_METRICS_TOKEN": METRICS_TOKEN,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=out)
        try:
            yield process
        finally:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def job_lines(log: Path) -> list[dict]:
    entries = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            with suppress(json.JSONDecodeError):
                entry = json.loads(line)
                if entry.get("event") == "job":
                    entries.append(entry)
    return entries


def test_two_web_servers_and_two_workers(tmp_path: Path) -> None:
    buyer_org = orgs.organization_create(name="Scale Buyer", kind=OrgKind.BUYER, country="US")
    supplier_org = orgs.organization_create(name="Scale Supplier", kind=OrgKind.SUPPLIER, country="CN")
    orgs.member_create(organization=buyer_org, email="b@scale.test", password=PASSWORD, role="owner")
    orgs.member_create(organization=supplier_org, email="s@scale.test", password=PASSWORD, role="owner")
    qualify(supplier_org)
    buyer_token, _ = orgs.personal_token_issue(email="b@scale.test", password=PASSWORD)
    supplier_token, _ = orgs.personal_token_issue(email="s@scale.test", password=PASSWORD)
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM procrastinate_jobs")
        (first_job,) = cur.fetchone()

    ports = [free_port(), free_port()]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    python = [sys.executable, "-m", "tradeshield.cli"]
    with ExitStack() as stack:
        servers = [
            stack.enter_context(
                spawn([*python, "serve", "--port", str(p), "--workers", "2", "--no-worker"], tmp_path / f"web{i}.log")
            )
            for i, p in enumerate(ports)
        ]
        worker_logs = [tmp_path / "worker0.log", tmp_path / "worker1.log"]
        for log in worker_logs:
            stack.enter_context(spawn([*python, "worker", "--concurrency", "2"], log))
        for base, server in zip(bases, servers, strict=True):
            wait_until_serving(base, server)
        clients = [stack.enter_context(httpx.Client(base_url=f"{b}/api/v1", timeout=30)) for b in bases]

        def call(n: int, method: str, path: str, token: str, rid: str, body: dict | None = None) -> dict:
            headers = {"Authorization": f"Bearer {token}", "X-Request-ID": rid, "Idempotency-Key": uuid.uuid4().hex}
            response = clients[n % 2].request(method, path, json=body or {}, headers=headers)
            assert response.status_code in (200, 201), (path, response.status_code, response.text)
            assert response.headers["X-Request-ID"] == rid
            return response.json()

        ship_by = (clock.today() + timedelta(days=10)).isoformat()
        order_ids = []
        for i in range(ORDERS):
            body = {
                "buyer_id": buyer_org.id,
                "title": f"Scale {i}",
                "currency": "USD",
                "incoterm": "FOB",
                "named_place": "Ningbo",
                "ship_by_date": ship_by,
                "lines": [
                    {
                        "product_name": "Widget",
                        "quantity": "10",
                        "unit": "pcs",
                        "unit_price": {"amount": 5_000, "currency": "USD"},
                    }
                ],
            }
            # Each step on the other server than the one before: no request depends on server affinity.
            order = call(i, "POST", "/orders", supplier_token, f"scale-{i}-create", body)
            call(i + 1, "POST", f"/orders/{order['id']}/confirm", supplier_token, f"scale-{i}-sconfirm")
            call(
                i,
                "POST",
                f"/orders/{order['id']}/confirm",
                buyer_token,
                f"scale-{i}-bconfirm",
                {"terms_hash": order["terms_hash"]},
            )
            call(
                i + 1,
                "POST",
                f"/orders/{order['id']}/payments",
                buyer_token,
                f"scale-{i}-pay",
                {"method": "card", "card": CARD},
            )
            if i % 2:
                call(
                    i,
                    "POST",
                    f"/orders/{order['id']}/ship",
                    supplier_token,
                    f"scale-{i}-ship",
                    {"carrier": "COSCO", "tracking_number": f"T{i}"},
                )
            order_ids.append(order["id"])

        late = [oid for i, oid in enumerate(order_ids) if i % 2 == 0]
        assert set(Order.objects.filter(pk__in=late).values_list("status", flat=True)) == {"paid"}
        Order.objects.filter(pk__in=late).update(ship_deadline=clock.today() - timedelta(days=3))
        for n in range(6):  # six sweeps at once: both workers race over the same due orders
            protections_sweep.configure(queueing_lock=f"scaleout-{n}").defer(timestamp=n)

        wait_for(
            lambda: ProtectionAction.objects.filter(order_id__in=late, rule="late_compensation").count() == len(late),
            120,
            "every late order to be compensated",
        )
        # Periodic ticks may queue more work while the processes stop: judge the jobs queued until the
        # moment the queue was seen empty (one snapshot: nothing waiting or running, and the newest id).
        drained: list[int] = []

        def queue_empty() -> bool:
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT count(*) FILTER (WHERE status IN ('todo', 'doing')), max(id) FROM procrastinate_jobs"
                )
                busy, newest = cur.fetchone()
            drained[:] = [newest]
            return busy == 0

        wait_for(queue_empty, 120, "the queue to drain")
        last_job = drained[0]

        # Each server's /metrics adds up its gunicorn processes: 6 of the 12 creates went to each one.
        for base in bases:
            scraped = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10)
            assert scraped.status_code == 200
            creates = 'tradeshield_http_requests_total{method="POST",route="api/v1/orders",status="201"} 6.0'
            assert creates in scraped.text, scraped.text[:2000]
            assert "tradeshield_workers_alive 2.0" in scraped.text

        # Both workers are alive and beating; both web servers are ready.
        for client in clients:
            response = httpx.get(str(client.base_url).removesuffix("/api/v1/") + "/readyz", timeout=10)
            assert response.status_code == 200, response.text
            assert response.json()["checks"]["workers"]["alive"] == 2

    # Every job ran once, and succeeded.
    with connection.cursor() as cur:
        cur.execute(
            "SELECT j.id, j.task_name, j.status::text, count(e.id) FILTER (WHERE e.type = 'started') "
            "FROM procrastinate_jobs j LEFT JOIN procrastinate_events e ON e.job_id = j.id "
            "WHERE j.id > %s AND j.id <= %s GROUP BY j.id",
            [first_job, last_job],
        )
        jobs = cur.fetchall()
    tasks = {task for _id, task, _status, _started in jobs}
    assert {"notifications.relay_order_event", "protections.sweep"} <= tasks
    assert [row for row in jobs if row[2] != "succeeded" or row[3] != 1] == []

    # Every deadline fired once: one action and one compensation per late order, none for the shipped ones.
    actions = ProtectionAction.objects.filter(order_id__in=order_ids, rule="late_compensation")
    assert sorted(actions.values_list("order_id", flat=True)) == sorted(late)
    per_order = Transfer.objects.filter(code="compensation", ref__in=order_ids).values("ref").annotate(n=Count("id"))
    assert {row["ref"]: row["n"] for row in per_order} == dict.fromkeys(late, 1)
    assert_books_balance()

    # Both workers ran jobs, and the jobs a request deferred logged that request's id.
    done = [job_lines(log) for log in worker_logs]
    assert all(done), [len(d) for d in done]
    logged = Counter(
        entry["job_id"] for entries in done for entry in entries if first_job < entry["job_id"] <= last_job
    )
    assert logged == Counter(job_id for job_id, *_rest in jobs)  # each job logged once, by one worker
    ids = {entry["request_id"] for entries in done for entry in entries}
    assert {f"scale-{i}-pay" for i in range(ORDERS)} <= ids
    end_other_sessions()
