"""Production serving: gunicorn (threaded workers) plus, optionally, one background-job worker process.

The caller has already loaded Django settings in this process, so `DATABASE_URL` is in `os.environ`
(for the embedded PostgreSQL too): gunicorn's forked workers and the job worker inherit it and join the
same server instead of starting their own. This process outlives them all, so the embedded server, which
stops when the last process that started it exits, stays up until everything has stopped.
"""

from __future__ import annotations

import atexit
import copy
import ctypes
import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from typing import Any

from gunicorn.app.base import BaseApplication

from tradeshield.cli.boot import console, fail


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:  # older gunicorns lack some settings
                self.cfg.set(key, value)

    def load(self) -> Any:
        from tradeshield.wsgi import application

        return application


def check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                fail(f"{host}:{port} is already in use (is another server running?)")
            fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


def _die_with_parent() -> None:
    """Linux: the job worker gets SIGTERM if `serve` dies without cleaning up (e.g. SIGKILL)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
        except OSError:
            pass


def start_job_worker(concurrency: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "tradeshield.cli", "worker", "--concurrency", str(concurrency)]
    return subprocess.Popen(command, preexec_fn=_die_with_parent)


def stop_job_worker(process: subprocess.Popen[bytes], timeout: float) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        console.print("[yellow]job worker did not stop in time; killing it[/]")
        process.kill()
        process.wait()


def gunicorn_logging(django_logging: dict[str, Any]) -> dict[str, Any]:
    """Gunicorn's own lines (start, worker boots, timeouts) in the same format as the app's."""
    config = copy.deepcopy(django_logging)
    config["loggers"] = {
        **config.get("loggers", {}),
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": ["console"], "propagate": False},
    }
    return config


def metrics_dir() -> None:
    """Give this server's processes one directory for their Prometheus counters (see ops/metrics.py).

    Must run before prometheus_client is first imported (it picks its storage then). An operator-set
    PROMETHEUS_MULTIPROC_DIR is used as it is; otherwise a fresh temporary one, removed on exit.
    """
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)
        return
    path = tempfile.mkdtemp(prefix="tradeshield-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
    atexit.register(shutil.rmtree, path, ignore_errors=True)


def serve_forever(*, host: str, port: int, workers: int, threads: int, job_worker: bool) -> None:
    """Blocks until SIGTERM/SIGINT; then stops web workers, then the job worker."""
    from django.conf import settings

    options: dict[str, Any] = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,  # import errors show once, in this process, before any fork
        "timeout": 60,
        "graceful_timeout": 20,
        "keepalive": 5,
        "accesslog": None,  # the app logs each request itself, as JSON with its request id (ops.middleware)
        "errorlog": "-",
        "loglevel": "info",
        "logconfig_dict": gunicorn_logging(settings.LOGGING),
        "proc_name": "tradeshield",
        "control_socket_disable": True,  # one fixed socket path per user would clash between instances
    }
    process = start_job_worker(concurrency=1) if job_worker else None
    try:
        _Gunicorn(options).run()
    finally:
        if process is not None:
            graceful: Any = settings.PROCRASTINATE_WORKER_DEFAULTS.get("shutdown_graceful_timeout", 30)
            timeout = float(graceful) + 5
            stop_job_worker(process, timeout=timeout)
