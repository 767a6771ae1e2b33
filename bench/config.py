"""What a benchmark run does and for how long, from `BENCH_*` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

PHASES = ("pgbench", "ledger", "http", "sweep", "rating", "risk")


class ConfigError(ValueError):
    pass


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _phases(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = env.get("BENCH_PHASES", "").strip()
    if not raw:
        return PHASES
    chosen = tuple(part.strip() for part in raw.split(",") if part.strip())
    unknown = [name for name in chosen if name not in PHASES]
    if unknown:
        raise ConfigError(f"BENCH_PHASES: unknown phase(s) {', '.join(unknown)}; choose from {', '.join(PHASES)}")
    return tuple(name for name in PHASES if name in chosen)


@dataclass(frozen=True)
class BenchConfig:
    cores: int
    seconds: int  # timed window of pgbench, the ledger and HTTP runs
    phases: tuple[str, ...]
    db_name: str
    pgbench_scale: int
    pgbench_clients: int
    pgbench_threads: int
    ledger_connections: int
    ledger_processes: int
    ledger_batch: int  # pairs per transaction in the batched ledger run (1: no batched run)
    http_clients: int
    http_workers: int
    http_threads: int
    http_warmup_seconds: int
    http_pairs: int  # buyer/supplier organization pairs seeded for the HTTP run
    sweep_due: int
    sweep_small: int
    sweep_large: int
    sweep_repeats: int
    rating_suppliers: int = 100_000
    rating_orders: int = 10_000_000
    rating_queries: int = 200  # directory searches timed
    risk_payments: int = 1_000_000  # historical payments for the risk decision benchmark
    risk_decisions: int = 3_000

    @property
    def ledger_threads_per_process(self) -> int:
        return -(-self.ledger_connections // self.ledger_processes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, cores: int | None = None) -> BenchConfig:
        env = os.environ if env is None else env
        cores = cores or os.cpu_count() or 1
        connections = _int(env, "BENCH_LEDGER_CONNECTIONS", 16)
        processes = min(_int(env, "BENCH_LEDGER_PROCESSES", cores), connections)
        db_name = env.get("BENCH_DB_NAME", "").strip() or "tradeshield_bench"
        if not db_name.replace("_", "").isalnum():
            raise ConfigError(f"BENCH_DB_NAME must be letters, digits and underscores, got {db_name!r}")
        small = _int(env, "BENCH_SWEEP_SMALL", 10_000)
        large = _int(env, "BENCH_SWEEP_LARGE", 1_000_000)
        if large < small:
            raise ConfigError(f"BENCH_SWEEP_LARGE ({large}) must not be below BENCH_SWEEP_SMALL ({small})")
        return cls(
            cores=cores,
            seconds=_int(env, "BENCH_SECONDS", 20),
            phases=_phases(env),
            db_name=db_name,
            pgbench_scale=_int(env, "BENCH_PGBENCH_SCALE", 10),
            pgbench_clients=_int(env, "BENCH_PGBENCH_CLIENTS", 16),
            pgbench_threads=_int(env, "BENCH_PGBENCH_THREADS", min(cores, 16)),
            ledger_connections=connections,
            ledger_processes=processes,
            ledger_batch=_int(env, "BENCH_LEDGER_BATCH", 10),
            http_clients=_int(env, "BENCH_HTTP_CLIENTS", 32),
            http_workers=_int(env, "BENCH_HTTP_WORKERS", 2 * cores),
            http_threads=_int(env, "BENCH_HTTP_THREADS", 4),
            http_warmup_seconds=_int(env, "BENCH_HTTP_WARMUP_SECONDS", 3, minimum=0),
            http_pairs=_int(env, "BENCH_HTTP_PAIRS", 8),
            sweep_due=_int(env, "BENCH_SWEEP_DUE", 1_000),
            sweep_small=small,
            sweep_large=large,
            sweep_repeats=_int(env, "BENCH_SWEEP_REPEATS", 3),
            rating_suppliers=_int(env, "BENCH_RATING_SUPPLIERS", 100_000),
            rating_orders=_int(env, "BENCH_RATING_ORDERS", 10_000_000),
            rating_queries=_int(env, "BENCH_RATING_QUERIES", 200),
            risk_payments=_int(env, "BENCH_RISK_PAYMENTS", 1_000_000),
            risk_decisions=_int(env, "BENCH_RISK_DECISIONS", 3_000),
        )
