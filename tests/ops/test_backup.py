"""Backup and restore: a database with orders and money, dumped, restored into a fresh database, compared."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.ops.test_cli import run
from tests.quality.test_faults import database_url, end_other_sessions, shipped_orders
from tradeshield.cli.operations import database_counts
from tradeshield.ledger.models import Transfer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def fresh_database() -> Iterator[str]:
    source = database_url()
    name = f"{psycopg.conninfo.conninfo_to_dict(source)['dbname']}_restore_{uuid.uuid4().hex[:8]}"
    admin = source.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield source.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_backup_then_restore_into_a_fresh_database(tmp_path: Path, fresh_database: str) -> None:
    market = shipped_orders(4)
    assert Transfer.objects.count() > 0
    source = database_url()
    dump = tmp_path / "tradeshield.dump"

    done = run("backup", str(dump), DATABASE_URL=source)
    assert done.returncode == 0, done.stderr
    assert dump.stat().st_size > 10_000
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    restored = run("restore", str(dump), "--into", fresh_database, DATABASE_URL=source)
    assert restored.returncode == 0, restored.stderr

    before, after = database_counts(source), database_counts(fresh_database)
    assert before["trade_order"] == after["trade_order"] >= len(market.shipped)
    assert before["ledger_transfer"] == after["ledger_transfer"] > 0
    assert before == after  # every counted table, and the ledger's sums per currency and kind
    audit = run("ledger-check", DATABASE_URL=fresh_database)
    assert audit.returncode == 0, audit.stderr
    assert "the books balance" in audit.stdout

    again = run("restore", str(dump), "--into", fresh_database, DATABASE_URL=source)
    assert again.returncode == 1
    assert "not empty" in again.stderr and "Traceback" not in again.stderr
    end_other_sessions()
