"""`python -m bench` / `make bench`: every measurement in one run, one table, JSON and charts."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

from bench import charts, cpu, pgbench
from bench.config import PHASES, BenchConfig, ConfigError
from bench.database import Server, connect_server, migrate, recreate_database, setup_django
from bench.dburl import describe, libpq_env
from bench.report import RESULTS_DIR, table, write_json
from bench.stats import ratio

console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


@contextmanager
def _step(progress: Progress, description: str, total: float | None = None) -> Iterator[Callable[..., None]]:
    task = progress.add_task(description, total=total)

    def update(completed: float | None = None, text: str | None = None) -> None:
        progress.update(task, completed=completed, description=text or description)

    yield update
    progress.update(task, completed=total if total is not None else 1, total=total or 1)


def _machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    return {"cpu_model": model, "git_commit": commit.stdout.strip(), "python": sys.version.split()[0]}


class Pgbench:
    """TPC-B on the benchmark database: initialised once, run before and after the application's
    benchmarks (their mean is the reference: other load on the machine shows as a difference)."""

    def __init__(self, cfg: BenchConfig, server: Server, url: str, progress: Progress) -> None:
        self.cfg, self.progress, self.env = cfg, progress, libpq_env(url)
        self.binary, self.major = pgbench.choose(server.major)
        self.runs: list[pgbench.PgbenchResult] = []
        with _step(progress, f"pgbench -i -s {cfg.pgbench_scale} (initialise)"):
            pgbench.run(self.binary, ["-i", "-s", str(cfg.pgbench_scale), "-q"], self.env)

    def measure(self, when: str) -> None:
        cfg = self.cfg
        args = ["-c", str(cfg.pgbench_clients), "-j", str(cfg.pgbench_threads), "-T", str(cfg.seconds), "-P", "1"]
        label = f"pgbench TPC-B {' '.join(args[:6])} ({when})"
        with _step(self.progress, label, total=cfg.seconds) as update:
            output = pgbench.run(self.binary, args, self.env, lambda s, tps: update(s, f"{label}: {tps:,.0f} tps"))
        result = pgbench.parse_result(output)
        self.runs.append(result)
        self.progress.console.print(f"[green]✓[/] pgbench TPC-B ({when}): {result.tps:,.1f} tps")

    def drop(self) -> None:
        pgbench.run(self.binary, ["-i", "-I", "d"], self.env)

    def results(self) -> dict[str, Any]:
        cfg = self.cfg
        return {
            "pgbench_tps": round(sum(r.tps for r in self.runs) / len(self.runs), 1),
            "pgbench": {
                "binary": self.binary,
                "client_major": self.major,
                "scale": cfg.pgbench_scale,
                "clients": cfg.pgbench_clients,
                "threads": cfg.pgbench_threads,
                "seconds": cfg.seconds,
                "runs_tps": [round(r.tps, 1) for r in self.runs],
                "statistic": "mean of the runs before and after the other benchmarks",
                "latency_avg_ms": [r.latency_avg_ms for r in self.runs],
                "failed": sum(r.failed for r in self.runs),
            },
        }


def _books_balance() -> bool:
    from django.db import connection

    from tradeshield.ledger.selectors import ledger_check

    rows = ledger_check()
    connection.close()
    return all(row.posted_sum == 0 and row.pending_sum == 0 and row.recomputed_matches for row in rows)


def _ledger_run(cfg: BenchConfig, url: str, progress: Progress, batch: int) -> Any:
    from bench import ledger

    how = "one pair per transaction" if batch == 1 else f"{batch} pairs per transaction, one round trip"
    label = (
        f"ledger hold+release via Python ({how}): {cfg.ledger_connections} connections "
        f"in {cfg.ledger_processes} processes"
    )
    with _step(progress, label, total=cfg.seconds) as update:
        result = ledger.run(
            database_url=url,
            connections=cfg.ledger_connections,
            processes=cfg.ledger_processes,
            seconds=cfg.seconds,
            batch=batch,
            on_tick=lambda s, n: update(s, f"{label}: {n / max(s, 0.001):,.0f} pairs/s"),
        )
    progress.console.print(
        f"[green]✓[/] ledger (Python, {how}): {result.pairs_per_s:,.1f} pairs/s, "
        f"p50 {result.latency.p50_ms:.2f} ms, p99 {result.latency.p99_ms:.2f} ms per transaction, "
        f"errors {result.errors}"
    )
    return result


def _ledger_details(cfg: BenchConfig, result: Any) -> dict[str, Any]:
    return {
        "pairs_per_transaction": result.batch,
        "pairs": result.pairs,
        "transactions": result.transactions,
        "errors": result.errors,
        "error_samples": result.error_samples,
        "latency_per_transaction": result.latency.as_dict(),
        "cpu_ms_per_pair": {
            "python": cpu.per_operation_ms(result.python_cpu_s, result.pairs),
            "postgres": cpu.per_operation_ms(result.db_cpu_s, result.pairs),
        },
    }


def phase_ledger(cfg: BenchConfig, server: Server, url: str, progress: Progress) -> dict[str, Any]:
    from bench import ledger, ledger_sql

    single = _ledger_run(cfg, url, progress, batch=1)
    batched = _ledger_run(cfg, url, progress, batch=cfg.ledger_batch) if cfg.ledger_batch > 1 else single
    binary, _ = pgbench.choose(server.major)
    clients = cfg.ledger_connections
    ledger.setup_sql_accounts(clients)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", prefix="bench-ledger-", delete=False) as script:
        script.write(ledger_sql.script())
    args = ["-n", "-c", str(clients), "-j", str(cfg.pgbench_threads), "-T", str(cfg.seconds), "-P", "1"]
    sql_label = f"ledger hold+release, SQL only (pgbench script, {clients} connections)"
    try:
        with _step(progress, sql_label, total=cfg.seconds) as update:
            output = pgbench.run(
                binary,
                [*args, "-f", script.name],
                libpq_env(url),
                lambda s, t: update(s, f"{sql_label}: {t:,.0f} pairs/s"),
            )
    finally:
        os.unlink(script.name)
    sql = pgbench.parse_result(output)
    progress.console.print(f"[green]✓[/] ledger (SQL only): {sql.tps:,.1f} pairs/s")
    balanced = _books_balance()
    return {
        # The headline is the batched run (the issue allows batching, as TigerBeetle does); the
        # one-pair-per-transaction run is kept beside it.
        "ledger_pairs_per_s": round(batched.pairs_per_s, 1),
        "ledger_p50_ms": batched.latency.p50_ms,
        "ledger_p99_ms": batched.latency.p99_ms,
        "ledger_single_pairs_per_s": round(single.pairs_per_s, 1),
        "ledger_single_p50_ms": single.latency.p50_ms,
        "ledger_single_p99_ms": single.latency.p99_ms,
        "ledger_sql_pairs_per_s": round(sql.tps, 1),
        "ledger": {
            "how": (
                "single: each pair = one transaction: account_ensure twice, transfer_create(pending=True), "
                "transfer_post (BEGIN, two ledger_transfer() calls, COMMIT); batched: each transaction = "
                "account_ensure twice and one transfers_apply() of `pairs_per_transaction` holds and their "
                "posts (BEGIN, one ledger_transfers() call, COMMIT); each connection its own funded escrow "
                "account and its own supplier account"
            ),
            "connections": cfg.ledger_connections,
            "processes": cfg.ledger_processes,
            "threads_per_process": cfg.ledger_threads_per_process,
            "seconds": cfg.seconds,
            "single": _ledger_details(cfg, single),
            "batched": _ledger_details(cfg, batched),
            "books_balance_after": balanced,
            "sql": {
                "how": "pgbench -f: the same two INSERTs into ledger_transfer (same triggers), one transaction",
                "clients": clients,
                "pairs": sql.transactions,
                "failed": sql.failed,
                "latency_avg_ms": sql.latency_avg_ms,
            },
        },
    }


def phase_http(cfg: BenchConfig, url: str, progress: Progress) -> dict[str, Any]:
    from bench import http_load, http_queries, http_seed, http_server

    progress.console.print(f"starting tradeshield serve --workers {cfg.http_workers} --threads {cfg.http_threads}")
    with http_server.serve(database_url=url, workers=cfg.http_workers, threads=cfg.http_threads) as server:
        with _step(progress, f"seeding {cfg.http_pairs} buyer/supplier pairs and their API tokens"):
            pairs = http_seed.seed(server.base_url, cfg.http_pairs)
        total = cfg.http_warmup_seconds + cfg.seconds
        label = f"HTTP life cycles: {cfg.http_clients} clients ({cfg.http_warmup_seconds} s warm-up)"
        app_cpu = cpu.Group(find=lambda: [server.pid, *cpu.children(server.pid)])
        db_cpu = cpu.Group(find=lambda: cpu.backend_pids(url))
        client_cpu: list[float] = []

        def on_window(edge: str) -> None:
            client_cpu.append(time.process_time())
            for group in (app_cpu, db_cpu):
                if edge == "start":
                    group.begin()
                else:
                    group.end()

        with _step(progress, label, total=total) as update:
            result = http_load.run(
                on_window=on_window,
                base_url=server.base_url,
                pairs=pairs,
                clients=cfg.http_clients,
                seconds=cfg.seconds,
                warmup=cfg.http_warmup_seconds,
                on_tick=lambda s, n: update(
                    s + cfg.http_warmup_seconds, f"{label}: {n / s:,.1f} cycles/s" if s > 0 else label
                ),
            )
    queries = http_queries.count_queries()
    progress.console.print(
        f"[green]✓[/] HTTP: {result.cycles_per_s:,.2f} life cycles/s, {result.money_requests_per_s:,.1f} money req/s, "
        f"p50 {result.overall.p50_ms:.1f} ms, p99 {result.overall.p99_ms:.1f} ms, failed cycles {result.failed_cycles}"
    )
    return {
        "lifecycles_per_s": round(result.cycles_per_s, 2),
        "money_requests_per_s": round(result.money_requests_per_s, 1),
        "http_p50_ms": result.overall.p50_ms,
        "http_p99_ms": result.overall.p99_ms,
        "http": {
            "server": " ".join(["tradeshield", *server.command[1:]]),
            "workers": cfg.http_workers,
            "threads": cfg.http_threads,
            "clients": cfg.http_clients,
            "client": "httpx.AsyncClient, one asyncio process on the same machine",
            "seed_pairs": cfg.http_pairs,
            "seconds": cfg.seconds,
            "warmup_seconds": cfg.http_warmup_seconds,
            "cycles": result.cycles,
            "failed_cycles": result.failed_cycles,
            "requests_per_s": round(result.requests_per_s, 1),
            "money_latency": result.money.as_dict(),
            "overall_latency": result.overall.as_dict(),
            "per_step": {step: latency.as_dict() for step, latency in result.per_step.items()},
            "errors": result.errors,
            "error_samples": result.error_samples,
            "cpu_ms_per_request": {
                "server": cpu.per_operation_ms(app_cpu.seconds, result.overall.count),
                "postgres": cpu.per_operation_ms(db_cpu.seconds, result.overall.count),
                "load_generator": cpu.per_operation_ms(
                    client_cpu[-1] - client_cpu[0] if len(client_cpu) == 2 else None, result.overall.count
                ),
            },
            "sql_statements_per_request": queries,
            "sql_statements_per_life_cycle": sum(queries.values()),
            "books_balance_after": _books_balance(),
        },
    }


def phase_sweep(cfg: BenchConfig, progress: Progress) -> dict[str, Any]:
    from bench import sweep

    book = sweep.OrderBook()
    scales = []
    for size in (cfg.sweep_small, cfg.sweep_large):
        with _step(progress, f"generating {size:,} open orders (SQL)", total=size) as update:
            update(book.open)
            book.grow_open(size, lambda n: update(n))
        with _step(progress, f"sweeping {cfg.sweep_due:,} due among {size:,} open", total=cfg.sweep_repeats) as update:
            done = 0

            def step(text: str) -> None:
                nonlocal done
                update(done, text)
                done += 1

            scale = sweep.measure(book, size, cfg.sweep_due, cfg.sweep_repeats, step)
        scales.append(scale)
        progress.console.print(
            f"[green]✓[/] sweep among {size:,} open: {scale.sweep_s:.3f} s (runs "
            + ", ".join(f"{s:.3f}" for s in scale.sweep_seconds)
            + f"); 'is anything due' {scale.due_check_ms:.2f} ms"
        )
    small, large = scales
    return {
        "sweep_1k_due_in_10k_s": round(small.sweep_s, 4),
        "sweep_1k_due_in_1m_s": round(large.sweep_s, 4),
        "sweep_ratio": ratio(large.sweep_s, small.sweep_s),
        "sweep": {
            "due": cfg.sweep_due,
            "due_rule": sweep.DUE_RULE,
            "repeats": cfg.sweep_repeats,
            "statistic": "median of the repeats",
            "small": sweep.as_dict(small),
            "large": sweep.as_dict(large),
        },
    }


def phase_risk(cfg: BenchConfig, progress: Progress) -> dict[str, Any]:
    from bench import risk

    with _step(
        progress, f"generating {cfg.risk_payments:,} historical payments (SQL)", total=cfg.risk_payments
    ) as update:
        made = risk.generate(cfg.risk_payments, lambda n: update(n, f"payments {n:,}"))
    buyers = made["buyers"]
    with _step(progress, f"{cfg.risk_decisions:,} risk decisions"):
        risk.decision_latencies_ms(min(200, cfg.risk_decisions), buyers, seed=1)  # warm the caches, untimed
        decisions = risk.decision_latencies_ms(cfg.risk_decisions, buyers)
        screens = risk.screen_latencies_ms(max(1, cfg.risk_decisions // 3), buyers)
        plan = risk.explain(buyers)
    console.print(
        f"[green]✓[/] risk decision p50 {risk.p(decisions, 50):.2f} ms, p99 {risk.p(decisions, 99):.2f} ms "
        f"among {cfg.risk_payments:,} payments; screen() with its insert p99 {risk.p(screens, 99):.2f} ms"
    )
    return {
        "risk_decision_p50_ms": round(risk.p(decisions, 50), 3),
        "risk_decision_p99_ms": round(risk.p(decisions, 99), 3),
        "risk": {
            "payments": cfg.risk_payments,
            "buyers": buyers,
            "generate_s": made["generate_s"],
            "decisions": len(decisions),
            "decision_p50_ms": round(risk.p(decisions, 50), 3),
            "decision_p99_ms": round(risk.p(decisions, 99), 3),
            "screen_p50_ms": round(risk.p(screens, 50), 3),
            "screen_p99_ms": round(risk.p(screens, 99), 3),
            "target_p99_ms": 5.0,
            "plan": plan,
        },
    }


def phase_rating(cfg: BenchConfig, progress: Progress) -> dict[str, Any]:
    from bench import rating

    total = cfg.rating_suppliers + cfg.rating_orders
    with _step(
        progress, f"generating {cfg.rating_suppliers:,} suppliers and {cfg.rating_orders:,} orders (SQL)", total=total
    ) as update:
        made = rating.generate(
            cfg.rating_suppliers,
            cfg.rating_orders,
            lambda what, n: update(n if what == "suppliers" else cfg.rating_suppliers + n, f"{what} {n:,}"),
        )
    with _step(progress, "SELECT count(*) FROM trade_order (median of 3)"):
        count_s, rows = rating.count_orders_s()
    with _step(progress, f"full rating refresh of {cfg.rating_suppliers:,} suppliers"):
        first_s, first = rating.refresh_s()
    with _step(progress, "full rating refresh again (nothing changed)"):
        again_s, again = rating.refresh_s()
    queries = rating.typical_queries(cfg.rating_queries)
    with _step(progress, f"{len(queries)} directory searches"):
        rating.search_latencies_ms(queries[:10])  # warm the caches, untimed
        latencies = rating.search_latencies_ms(queries)
        plan = rating.explain({"q": "led", "category": "lighting", "min_grade": "BBB", "sort": "grade"})
    progress.console.print(
        f"[green]✓[/] rating refresh {first_s:.2f} s ({first_s / count_s:.1f} times count(*) {count_s:.2f} s); "
        f"directory p50 {rating.p(latencies, 50):.1f} ms, p99 {rating.p(latencies, 99):.1f} ms"
    )
    return {
        "rating_refresh_s": round(first_s, 3),
        "rating_refresh_unchanged_s": round(again_s, 3),
        "rating_count_orders_s": round(count_s, 4),
        "rating_refresh_ratio_to_count": ratio(first_s, count_s),
        "directory_p50_ms": round(rating.p(latencies, 50), 2),
        "directory_p99_ms": round(rating.p(latencies, 99), 2),
        "rating": {
            "suppliers": made.suppliers,
            "orders": rows,
            "generate_s": round(made.generate_s, 1),
            "first_refresh": {
                "rated": first.rated,
                "history_rows": first.changed,
                "coverage_changed": first.coverage_changed,
            },
            "second_refresh": {"rated": again.rated, "history_rows": again.changed},
            "queries": len(queries),
            "query_mix": "keyword; keyword+country; category+country; min_grade+category; keyword+min_grade+category;"
            " each with a random sort",
            "search_plan": plan,
        },
    }


def main() -> int:
    try:
        cfg = BenchConfig.from_env()
    except ConfigError as exc:
        console.print(f"[bold red]error:[/] {exc}")
        return 2
    started = time.monotonic()
    server = connect_server()
    phases = ", ".join(cfg.phases)
    console.print(f"[bold]TradeShield benchmarks[/] on {server.label}, {cfg.cores} cores; phases {phases}")
    results: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": cfg.cores,
        **_machine(),
        "server": {"version": server.version, "embedded": server.embedded, "database": ""},
        "config": {key: value for key, value in vars(cfg).items()},
        "pgbench_tps": None,
    }
    load: dict[str, list[float]] = {}
    with _progress() as progress:
        with _step(progress, f"recreating database {cfg.db_name} and migrating"):
            url = recreate_database(server, cfg.db_name)
            migrate(url)
        results["server"]["database"] = describe(url)
        setup_django(url)
        reference = Pgbench(cfg, server, url, progress) if "pgbench" in cfg.phases else None
        if reference:
            reference.measure("before")
        for name, phase in (
            ("ledger", lambda: phase_ledger(cfg, server, url, progress)),
            ("http", lambda: phase_http(cfg, url, progress)),
            ("sweep", lambda: phase_sweep(cfg, progress)),
            ("rating", lambda: phase_rating(cfg, progress)),
            ("risk", lambda: phase_risk(cfg, progress)),
        ):
            if name in cfg.phases:
                before = os.getloadavg()[0]
                results |= phase()
                load[name] = [round(before, 2), round(os.getloadavg()[0], 2)]
        if reference:
            if len(cfg.phases) > 1:
                reference.measure("after")
            reference.drop()
            results |= reference.results()
    tps = results.get("pgbench_tps") or 0.0
    for key, value in (
        ("ledger_ratio_to_pgbench", "ledger_pairs_per_s"),
        ("ledger_single_ratio_to_pgbench", "ledger_single_pairs_per_s"),
        ("ledger_sql_ratio_to_pgbench", "ledger_sql_pairs_per_s"),
        ("http_ratio_to_pgbench", "money_requests_per_s"),
    ):
        results[key] = ratio(results[value], tps) if results.get(value) is not None else None
    results["load_average_1m"] = load
    results["duration_s"] = round(time.monotonic() - started, 1)
    # A run of only some phases does not replace the full results.
    path = write_json(results, None if cfg.phases == PHASES else RESULTS_DIR / "partial.json")
    drawn = charts.draw_all(results, RESULTS_DIR)
    console.print(table(results))
    console.print(f"JSON: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    console.print("Charts: " + ", ".join(str(p.name) for p in drawn) + f" in {RESULTS_DIR}")
    console.print(f"Took {results['duration_s']:.0f} s")
    return 0
