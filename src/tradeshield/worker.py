"""The background-job worker: Procrastinate on the same PostgreSQL as the web app.

Tasks live in each app's `tasks.py` and are declared on the Django-integrated app::

    from procrastinate.contrib.django import app

    @app.task(queue="default")
    def order_expire(*, order_id: str) -> None: ...

    @app.periodic(cron="*/5 * * * *")
    @app.task(queueing_lock="deadlines_sweep")
    def deadlines_sweep(timestamp: int) -> None: ...

`procrastinate.contrib.django` (in INSTALLED_APPS) builds the app when Django is ready and imports every
app's `tasks` module. Deferring (`task.defer(...)`) goes through Django's own connection, so a job deferred
inside `transaction.atomic()` exists only if the transaction commits. The worker cannot use that
connection (it needs LISTEN/NOTIFY and an async pool), so `run_worker` swaps in a psycopg connector built
from the same `DATABASES["default"]`, as the Procrastinate docs recommend for running a worker from code.

Run it with `tradeshield worker` (or `tradeshield serve`, which starts one beside the web server).
"""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class _StopRequested(Exception):
    """SIGTERM arrived before Procrastinate installed its own graceful-stop handlers."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _StopRequested


@contextmanager
def _early_sigterm() -> Iterator[None]:
    """Turn an early SIGTERM into an exception, so `atexit` hooks (embedded PostgreSQL) still run.

    Procrastinate replaces this handler with its graceful one while the worker runs, and puts it back after.
    """
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _raise_stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_worker(concurrency: int = 1, queues: list[str] | None = None) -> None:
    """Run a Procrastinate worker in this process until SIGTERM or SIGINT (Ctrl+C).

    On either signal the worker stops fetching jobs, lets running jobs finish (at most
    `PROCRASTINATE_WORKER_DEFAULTS["shutdown_graceful_timeout"]` seconds, then aborts them), unregisters
    itself and returns. Blocking; call it from the main thread so the signal handlers can be installed.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    with _early_sigterm():
        try:
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradeshield.settings")
            import django

            django.setup()

            from procrastinate.contrib.django import app, django_connector

            connector = app.connector
            # The Django connector only defers; a worker needs a real (async, LISTEN-capable) connector.
            if isinstance(connector, django_connector.DjangoConnector):
                connector = connector.get_worker_connector()
            from tradeshield.ops.heartbeat import Heartbeat

            name = f"{socket.gethostname()}:{os.getpid()}"
            heartbeat = Heartbeat(name)  # /readyz wants a fresh one; see ops/heartbeat.py
            heartbeat.start()
            try:
                with app.replace_connector(connector):
                    app.run_worker(
                        concurrency=concurrency,
                        queues=queues or None,
                        name=name,
                        install_signal_handlers=True,
                    )
            finally:
                heartbeat.stop()
        except (_StopRequested, KeyboardInterrupt):
            # Stopped before (or after) the worker loop owned the signals: nothing was running.
            return
