"""Deferring jobs: a savepoint only where a queueing lock can refuse the insert, and a refused
duplicate leaves the caller's transaction usable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tradeshield.idempotency import services as idempotency
from tradeshield.kit import jobs

QUEUE = "test_kit_jobs"  # jobs of these tests only; never run (no worker)
TASK = "test_kit_jobs.nothing"


def waiting(lock: str | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE queue_name = %s AND status = 'todo'"
            " AND (%s::text IS NULL OR queueing_lock = %s)",
            [QUEUE, lock, lock],
        )
        return int(cursor.fetchone()[0])


def defer(**kwargs: object) -> tuple[bool, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        deferred = jobs.defer(TASK, queue=QUEUE, **kwargs)
    return deferred, [q["sql"] or "" for q in captured.captured_queries]


@pytest.mark.django_db
def test_a_job_without_a_queueing_lock_is_one_insert_without_a_savepoint():
    deferred, sql = defer(n=1)
    assert deferred and len(sql) == 1 and "procrastinate_defer_jobs" in sql[0]
    assert waiting() == 1


@pytest.mark.django_db
def test_a_waiting_job_absorbs_a_duplicate_with_one_read():
    deferred, sql = defer(queueing_lock="kit:a", n=1)
    assert deferred and [s.split()[0] for s in sql] == ["SELECT", "SAVEPOINT", "SELECT", "RELEASE"]
    deferred, sql = defer(queueing_lock="kit:a", n=2)
    assert not deferred and len(sql) == 1 and 'FROM "procrastinate_jobs"' in sql[0]
    assert waiting("kit:a") == 1
    assert defer(queueing_lock="kit:b", n=3)[0]  # another lock is another job
    assert waiting() == 2


@pytest.mark.django_db
def test_a_duplicate_that_slips_past_the_look_up_is_refused_and_the_transaction_stays_usable(monkeypatch):
    assert defer(queueing_lock="kit:race", n=1)[0]
    monkeypatch.setattr(jobs, "job_waiting", lambda lock: False)  # as if the other job committed just after
    deferred, sql = defer(queueing_lock="kit:race", n=2)
    assert not deferred
    assert any(s.startswith("ROLLBACK TO SAVEPOINT") for s in sql)
    assert waiting("kit:race") == 1  # the transaction still answers, with the first job in it


@pytest.fixture
def autocommit_jobs(transactional_db: None) -> Iterator[None]:
    yield
    with connection.cursor() as cursor:  # procrastinate's tables are not flushed between tests
        cursor.execute("DELETE FROM procrastinate_jobs WHERE queue_name = %s", [QUEUE])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_nothing_wraps_the_single_statement(autocommit_jobs):
    assert transaction.get_autocommit()
    deferred, sql = defer(n=1)
    assert deferred and len(sql) == 1
    deferred, sql = defer(queueing_lock="kit:auto", n=1)
    assert deferred and len(sql) == 1
    deferred, sql = defer(queueing_lock="kit:auto", n=2)  # refused by the index: nothing to roll back
    assert not deferred and len(sql) == 1
    assert waiting("kit:auto") == 1

    claim = {"scope": "user:x", "key": "k1", "method": "POST", "path": "/api/v1/x", "request_hash": "h"}
    with CaptureQueriesContext(connection) as captured:
        first = idempotency.claim(**claim)
    assert not first.replay and [q["sql"].split()[0] for q in captured.captured_queries] == ["INSERT"]
    idempotency.claim_complete(first.record, 201, b"{}")
    again = idempotency.claim(**claim)  # the refused INSERT left the connection usable
    assert again.replay and bytes(again.record.response_body) == b"{}"
