"""The production server (`tradeshield serve --no-worker`) as a subprocess for the HTTP benchmark."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.database import tradeshield_command


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class RunningServer:
    base_url: str
    pid: int
    log_path: Path
    command: list[str]


def _wait_ready(base_url: str, process: subprocess.Popen[bytes], log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"tradeshield serve exited {process.returncode}:\n{_tail(log_path)}")
        try:
            if httpx.get(f"{base_url}/api/v1/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"tradeshield serve did not answer within {timeout:.0f} s:\n{_tail(log_path)}")


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to `serve` (gunicorn stops its workers gracefully); its own process group if it hangs."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the group this run started for it, by id
        process.wait()


@contextmanager
def serve(*, database_url: str, workers: int, threads: int, host: str = "127.0.0.1") -> Iterator[RunningServer]:
    port = free_port(host)
    command = [
        tradeshield_command(),
        "serve",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--no-worker",
    ]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TRADESHIELD_SECURE_COOKIES": "0",
        "TRADESHIELD_ALLOWED_HOSTS": host,
    }
    log_dir = Path(tempfile.mkdtemp(prefix="tradeshield-bench-"))
    log_path = log_dir / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            base_url = f"http://{host}:{port}"
            _wait_ready(base_url, process, log_path, timeout=90)
            yield RunningServer(base_url=base_url, pid=process.pid, log_path=log_path, command=command)
        finally:
            _stop(process)
