"""The benchmark's pure parts: configuration, statistics, URL handling, pgbench output, SQL helpers.
No database, nothing timed."""

from __future__ import annotations

import pytest
from bench.config import BenchConfig, ConfigError
from bench.dburl import describe, libpq_env, with_database
from bench.ledger_sql import pgbench_text
from bench.stats import Latency, median, percentile, ratio

from bench import pgbench

PGBENCH_15 = """\
pgbench (15.20 (Debian 15.20-0+deb12u1))
transaction type: <builtin: TPC-B (sort of)>
scaling factor: 10
query mode: simple
number of clients: 16
number of threads: 2
maximum number of tries: 1
duration: 20 s
number of transactions actually processed: 35390
number of failed transactions: 0 (0.000%)
latency average = 9.041 ms
initial connection time = 21.180 ms
tps = 1769.627001 (without initial connection time)
"""


def test_config_defaults_follow_the_brief():
    cfg = BenchConfig.from_env({}, cores=2)
    assert (cfg.seconds, cfg.pgbench_scale, cfg.pgbench_clients, cfg.pgbench_threads) == (20, 10, 16, 2)
    assert (cfg.ledger_connections, cfg.ledger_processes, cfg.ledger_threads_per_process) == (16, 2, 8)
    assert (cfg.http_clients, cfg.http_workers) == (32, 4)
    assert (cfg.sweep_due, cfg.sweep_small, cfg.sweep_large) == (1_000, 10_000, 1_000_000)
    assert cfg.phases == ("pgbench", "ledger", "http", "sweep", "rating", "risk")
    assert (cfg.rating_suppliers, cfg.rating_orders, cfg.rating_queries) == (100_000, 10_000_000, 200)
    assert (cfg.risk_payments, cfg.risk_decisions) == (1_000_000, 3_000)
    assert cfg.db_name == "tradeshield_bench"


def test_config_reads_the_environment():
    cfg = BenchConfig.from_env(
        {"BENCH_SECONDS": "5", "BENCH_SWEEP_LARGE": "100_000", "BENCH_PHASES": "sweep, pgbench"}, cores=8
    )
    assert cfg.seconds == 5 and cfg.sweep_large == 100_000
    assert cfg.phases == ("pgbench", "sweep")  # always run in the fixed order
    assert cfg.http_workers == 16
    smaller = BenchConfig.from_env(
        {"BENCH_PHASES": "rating", "BENCH_RATING_SUPPLIERS": "10_000", "BENCH_RATING_ORDERS": "1000000"}, cores=2
    )
    assert (smaller.phases, smaller.rating_suppliers, smaller.rating_orders) == (("rating",), 10_000, 1_000_000)


@pytest.mark.parametrize(
    "env",
    [
        {"BENCH_SECONDS": "soon"},
        {"BENCH_SECONDS": "0"},
        {"BENCH_PHASES": "ledger,fuzz"},
        {"BENCH_DB_NAME": "bench; DROP DATABASE x"},
        {"BENCH_SWEEP_SMALL": "50", "BENCH_SWEEP_LARGE": "10"},
        {"BENCH_RATING_ORDERS": "0"},
    ],
)
def test_config_refuses_bad_values(env):
    with pytest.raises(ConfigError):
        BenchConfig.from_env(env, cores=2)


def test_ledger_processes_never_exceed_connections():
    cfg = BenchConfig.from_env({"BENCH_LEDGER_CONNECTIONS": "3", "BENCH_LEDGER_PROCESSES": "8"}, cores=2)
    assert cfg.ledger_processes == 3 and cfg.ledger_threads_per_process == 1


def test_percentiles_are_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) == 0.0
    assert median([3, 1, 2]) == 2
    with pytest.raises(ValueError):
        percentile(values, 101)


def test_latency_summary_is_in_milliseconds():
    summary = Latency.of_seconds([0.010, 0.020, 0.030, 0.040])
    assert summary.count == 4
    assert (summary.p50_ms, summary.p99_ms, summary.max_ms, summary.mean_ms) == (20.0, 40.0, 40.0, 25.0)
    assert Latency.of_seconds([]).count == 0


def test_ratio():
    assert ratio(50, 200) == 0.25
    assert ratio(50, 0) is None


def test_with_database_keeps_everything_but_the_name():
    assert with_database("postgresql://u:p@h:5432/test?sslmode=disable", "tradeshield_bench") == (
        "postgresql://u:p@h:5432/tradeshield_bench?sslmode=disable"
    )
    embedded = "postgresql://postgres:@/postgres?host=/work/var/pgdata"
    assert with_database(embedded, "b") == "postgresql://postgres:@/b?host=/work/var/pgdata"


def test_libpq_env_for_tcp_and_socket_servers():
    assert libpq_env("postgresql://postgres@127.0.0.1:5432/bench") == {
        "PGHOST": "127.0.0.1",
        "PGPORT": "5432",
        "PGUSER": "postgres",
        "PGDATABASE": "bench",
    }
    socket = libpq_env("postgresql://postgres:@/bench?host=/srv/pgdata")
    assert socket["PGHOST"] == "/srv/pgdata" and "PGPORT" not in socket


def test_describe_never_shows_the_password():
    assert describe("postgresql://app:s3cret@db:6543/x") == "app@db:6543/x"


def test_pgbench_output_is_parsed():
    result = pgbench.parse_result(PGBENCH_15)
    assert result.tps == pytest.approx(1769.627001)
    assert (result.latency_avg_ms, result.transactions, result.failed) == (9.041, 35390, 0)
    older = "tps = 812.5 (excluding connections establishing)\n"
    assert pgbench.parse_result(older).tps == 812.5
    with pytest.raises(pgbench.PgbenchError):
        pgbench.parse_result("connection refused")


def test_pgbench_progress_and_version_lines():
    assert pgbench.parse_progress("progress: 5.0 s, 1234.5 tps, lat 12.9 ms stddev 8.1, 0 failed") == (5.0, 1234.5)
    assert pgbench.parse_progress("starting vacuum...end.") is None
    assert pgbench.parse_major("pgbench (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)") == 15
    assert pgbench.parse_major("pgbench (PostgreSQL) 18.4") == 18
    assert pgbench.parse_major("nonsense") is None


def test_pgbench_prefers_the_servers_major_version(monkeypatch):
    majors = {"/a/pgbench": 18, "/b/pgbench": 15, "/c/pgbench": None}
    monkeypatch.setattr(pgbench, "binary_major", majors.get)
    assert pgbench.choose(15, list(majors)) == ("/b/pgbench", 15)
    assert pgbench.choose(16, list(majors)) == ("/a/pgbench", 18)  # none matches: the first that runs
    with pytest.raises(pgbench.PgbenchError):
        pgbench.choose(15, ["/c/pgbench"])


def test_pgbench_text_never_lets_pgbench_see_a_variable():
    text = pgbench_text("escrow:bench-sql:USD")
    assert text == "'escrow' || ':' || 'bench-sql' || ':' || 'USD'"
    assert ":b" not in text and ":U" not in text
    assert pgbench_text("it's") == "'it''s'"
