"""Liveness and readiness.

`/healthz` answers as long as the process serves requests; it touches nothing else. `/readyz` opens
its own short-lived connection (never Django's pooled one, whose connect timeout is longer) with
`TRADESHIELD_READYZ_TIMEOUT_SECONDS` as connect and statement timeout, and checks in one round trip
each: the database answers, every migration on disk is recorded as applied, and at least one job worker
has beaten within `TRADESHIELD_HEARTBEAT_MAX_AGE_SECONDS`. A load balancer should route only to ready
servers; an unreachable database makes it answer 503 within the timeout, not after a TCP timeout.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import psycopg
from django.conf import settings
from django.db import connections
from psycopg.conninfo import make_conninfo

from tradeshield.kit import clock

logger = logging.getLogger("tradeshield.ops")


@cache
def migrations_on_disk() -> frozenset[tuple[str, str]]:
    """(app, name) of every migration the code has; read from disk once per process."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.disk_migrations)


def conninfo() -> str:
    """The default database's connection parameters, as libpq keywords."""
    params = connections["default"].get_connection_params()
    keys = ("dbname", "user", "password", "host", "port")
    return make_conninfo(**{k: str(params[k]) for k in keys if params.get(k)})


@dataclass
class Readiness:
    ok: bool
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    elapsed_ms: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {"status": "ready" if self.ok else "not_ready", "checks": self.checks, "elapsed_ms": self.elapsed_ms}


def readiness(dsn: str | None = None, timeout: float | None = None) -> Readiness:
    """Check the database, the schema and the workers; never raises, never waits beyond the timeout."""
    timeout = float(timeout if timeout is not None else settings.TRADESHIELD_READYZ_TIMEOUT_SECONDS)
    started = time.monotonic()
    result = Readiness(ok=False)
    checks = result.checks
    try:
        connect_timeout = max(2, round(timeout))  # libpq's smallest useful connect timeout is 2 s
        with psycopg.connect(
            dsn or conninfo(),
            connect_timeout=connect_timeout,
            options=f"-c statement_timeout={int(timeout * 1000)}",
            application_name="tradeshield-readyz",
            autocommit=True,
        ) as conn:
            conn.execute("SELECT 1")
            checks["database"] = {"ok": True}
            applied = {(app, name) for app, name in conn.execute("SELECT app, name FROM django_migrations")}
            missing = sorted(f"{app}.{name}" for app, name in migrations_on_disk() - applied)
            checks["migrations"] = {"ok": not missing, "unapplied": missing[:20], "unapplied_count": len(missing)}
            since = clock.real_now().timestamp() - settings.TRADESHIELD_HEARTBEAT_MAX_AGE_SECONDS
            row = conn.execute(
                "SELECT count(*), extract(epoch FROM now() - max(seen_at)) FROM ops_worker_heartbeat "
                "WHERE seen_at >= to_timestamp(%s)",
                [since],
            ).fetchone()
            alive, age = (int(row[0]), row[1]) if row else (0, None)
            checks["workers"] = {
                "ok": alive > 0,
                "alive": alive,
                "newest_heartbeat_age_seconds": None if age is None else round(float(age), 1),
            }
    except psycopg.Error as exc:
        # The body is public (load balancers read it): the error class only; the detail goes to the log.
        logger.warning("readiness check failed: %s", " ".join(str(exc).split()), extra={"event": "readyz_failed"})
        if "database" not in checks:
            checks["database"] = {
                "ok": False,
                "error": "unreachable" if isinstance(exc, psycopg.OperationalError) else type(exc).__name__,
            }
        else:
            checks["query"] = {"ok": False, "error": type(exc).__name__}
    result.ok = bool(checks) and all(check.get("ok") for check in checks.values())
    for required in ("database", "migrations", "workers"):
        if required not in checks:
            result.ok = False
    result.elapsed_ms = round((time.monotonic() - started) * 1000, 1)
    return result
