"""Job-worker heartbeats: a thread beside the Procrastinate worker upserts its row every few seconds.

The row says "a worker on this host with this pid was alive at seen_at". `/readyz` needs at least one
fresh row; `/metrics` and the staff dashboard count them. The thread uses its own database connection
(Django gives each thread one) and closes it when it stops; a failed beat is logged and retried on the
next tick, so a database blip never kills the worker.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connection

from tradeshield.kit import clock
from tradeshield.ops.models import WorkerHeartbeat

logger = logging.getLogger("tradeshield.worker")
PRUNE_AFTER = timedelta(days=1)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(name: str, started_at: object) -> None:
    now = clock.real_now()
    WorkerHeartbeat.objects.update_or_create(
        name=name,
        defaults={"seen_at": now},
        create_defaults={
            "seen_at": now,
            "started_at": started_at,
            "hostname": socket.gethostname(),
            "pid": os.getpid(),
        },
    )


def fresh_since() -> object:
    return clock.real_now() - timedelta(seconds=settings.TRADESHIELD_HEARTBEAT_MAX_AGE_SECONDS)


def workers_alive() -> int:
    return WorkerHeartbeat.objects.filter(seen_at__gte=fresh_since()).count()


class Heartbeat:
    """Start with `start()`, stop with `stop()` (deletes the row: a clean stop is not a dead worker)."""

    def __init__(self, name: str | None = None, interval: float | None = None) -> None:
        self.name = name or worker_name()
        self.interval = interval or settings.TRADESHIELD_HEARTBEAT_INTERVAL_SECONDS
        self.started_at = clock.real_now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tradeshield-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            while True:
                try:
                    beat(self.name, self.started_at)
                    WorkerHeartbeat.objects.filter(seen_at__lt=clock.real_now() - PRUNE_AFTER).delete()
                except Exception as exc:
                    logger.warning("heartbeat failed: %s", exc, extra={"event": "heartbeat_failed"})
                    connection.close()
                if self._stop.wait(self.interval):
                    break
            WorkerHeartbeat.objects.filter(name=self.name).delete()
        except Exception as exc:
            logger.warning("could not remove the heartbeat row: %s", exc, extra={"event": "heartbeat_failed"})
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
