"""/healthz and /readyz: JSON bodies, 200/503, and a readiness check that fails fast."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from tradeshield.kit import clock
from tradeshield.ops import heartbeat
from tradeshield.ops.health import readiness
from tradeshield.ops.models import WorkerHeartbeat


def test_healthz_answers_without_the_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readyz_needs_a_fresh_worker_heartbeat(client: Client) -> None:
    body = client.get("/readyz").json()
    assert body["status"] == "not_ready"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["migrations"]["ok"] is True
    assert body["checks"]["workers"]["alive"] == 0

    heartbeat.beat("host-a:1", clock.real_now())
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["workers"]["alive"] == 1

    WorkerHeartbeat.objects.update(seen_at=clock.real_now() - timedelta(minutes=5))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["workers"] == {"ok": False, "alive": 0, "newest_heartbeat_age_seconds": None}


@pytest.fixture
def one_migration_forgotten() -> Iterator[str]:
    with connection.cursor() as cur:
        cur.execute("DELETE FROM django_migrations WHERE app = 'ops' AND name = '0001_initial' RETURNING applied")
        (applied,) = cur.fetchone()
    try:
        yield "ops.0001_initial"
    finally:
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO django_migrations (app, name, applied) VALUES ('ops', '0001_initial', %s)", [applied]
            )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readyz_refuses_a_database_with_unapplied_migrations(client: Client, one_migration_forgotten: str) -> None:
    heartbeat.beat("host-a:1", clock.real_now())
    response = client.get("/readyz")
    assert response.status_code == 503
    migrations = response.json()["checks"]["migrations"]
    assert migrations == {"ok": False, "unapplied": [one_migration_forgotten], "unapplied_count": 1}


def test_readiness_fails_fast_when_the_database_does_not_answer() -> None:
    """A server that accepts the TCP connection but never speaks: the worst case for a timeout."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        started = time.monotonic()
        result = readiness(dsn=f"host=127.0.0.1 port={port} dbname=x user=x connect_timeout=60", timeout=2)
        elapsed = time.monotonic() - started
    assert not result.ok
    assert result.checks["database"] == {"ok": False, "error": "unreachable"}
    # Django's own connect timeout is 5 s (db.py); libpq's default is to wait forever.
    assert elapsed < 3.5, elapsed


def test_readiness_of_a_refused_connection_is_immediate() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, not listening: connections are refused
        started = time.monotonic()
        result = readiness(dsn=f"host=127.0.0.1 port={port} dbname=x user=x", timeout=2)
    assert not result.ok and time.monotonic() - started < 1.5
