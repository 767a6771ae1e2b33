"""CPU time spent by processes over a timed window, read from /proc (Linux): where the time goes.

Used to split a run's cost per operation into the application's processes and the PostgreSQL
backends serving them. Backends are found through pg_stat_activity, so they are only counted when
the server runs on this machine (their /proc entries exist); otherwise the database share is None.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def parse_stat(text: str) -> tuple[int, float]:
    """`/proc/<pid>/stat` → (parent pid, user + system CPU seconds)."""
    rest = text[text.rindex(")") + 2 :].split()  # the command name may contain spaces
    return int(rest[1]), (int(rest[11]) + int(rest[12])) / _TICKS


def cpu_seconds(pid: int) -> float | None:
    try:
        return parse_stat(Path(f"/proc/{pid}/stat").read_text())[1]
    except (OSError, ValueError, IndexError):
        return None


def children(pid: int) -> list[int]:
    """Direct children of `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if parse_stat((entry / "stat").read_text())[0] == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def backend_pids(url: str) -> list[int]:
    """PostgreSQL backends connected to the database of `url`."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [int(row[0]) for row in rows if _is_postgres(int(row[0]))]


def _is_postgres(pid: int) -> bool:
    """A backend of a server on another machine has no /proc entry here (or someone else's)."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip().startswith("postgres")
    except OSError:
        return False


@dataclass
class Group:
    """A set of processes, found again at the end of the window (workers and backends may come and go)."""

    find: Callable[[], Iterable[int]]
    start: dict[int, float] = field(default_factory=dict)
    seconds: float | None = None

    def begin(self) -> None:
        self.start = {pid: s for pid in self.find() if (s := cpu_seconds(pid)) is not None}

    def end(self) -> None:
        now = {pid: s for pid in self.find() if (s := cpu_seconds(pid)) is not None}
        self.seconds = sum(max(0.0, s - self.start.get(pid, 0.0)) for pid, s in now.items()) if now else None


def per_operation_ms(seconds: float | None, operations: int) -> float | None:
    return round(seconds * 1000 / operations, 3) if seconds is not None and operations else None
