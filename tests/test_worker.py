"""Jobs run on a real Procrastinate worker against the same PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from procrastinate.contrib.django import app, django_connector

from tradeshield.idempotency.models import IdempotencyRecord
from tradeshield.idempotency.tasks import purge_expired_keys
from tradeshield.kit import clock

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_pending_jobs() -> None:
    connector = app.connector
    if isinstance(connector, django_connector.DjangoConnector):
        connector = connector.get_worker_connector()
    with app.replace_connector(connector):
        app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)
    _wait_for_worker_sessions_to_end()


def _wait_for_worker_sessions_to_end() -> None:
    """Sync tasks run in the worker's thread pool, each thread with its own idle Django connection.

    Those threads outlive the worker in this test process, so their sessions are ended here to let
    pytest-django drop the test database.
    """
    with connection.cursor() as cur:
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )


def test_expired_idempotency_keys_are_purged_by_the_worker():
    IdempotencyRecord.objects.create(
        scope="s",
        key="old",
        method="POST",
        path="/",
        request_hash="h",
        locked_until=clock.now(),
        created_at=clock.now() - timedelta(days=2),
    )
    IdempotencyRecord.objects.create(
        scope="s", key="fresh", method="POST", path="/", request_hash="h", locked_until=clock.now()
    )
    purge_expired_keys.defer(timestamp=0)
    run_pending_jobs()
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]
