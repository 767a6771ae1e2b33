"""The results: one rich table, and `bench/results/latest.json`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich import box
from rich.table import Table

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Target:
    label: str
    met: Callable[[float], bool]


LEDGER_TARGET = Target("≥ 50 % of pgbench", lambda r: r >= 0.5)
HTTP_RATIO_TARGET = Target("≥ 15 % of pgbench", lambda r: r >= 0.15)
HTTP_P99_TARGET = Target("p99 < 100 ms", lambda ms: ms < 100)
SWEEP_TARGET = Target("≈ 1 (≤ 1.5)", lambda r: r <= 1.5)


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _verdict(target: Target | None, value: float | None) -> str:
    if target is None or value is None:
        return ""
    return "[green]met[/]" if target.met(value) else "[red]missed[/]"


def table(r: dict[str, Any]) -> Table:
    t = Table(title="TradeShield benchmarks", title_justify="left", box=box.SIMPLE_HEAD, show_lines=False)
    t.add_column("Measurement")
    t.add_column("Result", justify="right")
    t.add_column("vs pgbench", justify="right")
    t.add_column("Target")
    t.add_column("")

    def row(name: str, value: str, ratio: float | None = None, target: Target | None = None, x: float | None = None):
        t.add_row(name, value, _pct(ratio), target.label if target else "", _verdict(target, x))

    pg = r.get("pgbench") or {}
    if pg:
        row(f"PostgreSQL TPC-B (pgbench -s {pg['scale']} -c {pg['clients']})", f"{_num(r.get('pgbench_tps'))} tps")
    if pg.get("runs_tps"):
        row("  runs before / after the others", " / ".join(_num(x) for x in pg["runs_tps"]) + " tps")
    books = [part["books_balance_after"] for part in (r.get("ledger"), r.get("http")) if part]
    led = r.get("ledger") or {}
    if led:
        for key, mode in (("batched", ""), ("single", "single_")):
            part = led.get(key) or {}
            if not part or (key == "single" and (led.get("batched") or {}).get("pairs_per_transaction") == 1):
                continue  # without batching the two runs are one
            per = part.get("pairs_per_transaction", 1)
            how = "1 pair per transaction" if per == 1 else f"{per} pairs per transaction, 1 round trip"
            ratio = r.get(f"ledger_{mode}ratio_to_pgbench")
            row(
                f"Ledger hold+release, Python services ({led['connections']} conns, {how})",
                f"{_num(r[f'ledger_{mode}pairs_per_s'])} pairs/s",
                ratio,
                LEDGER_TARGET,
                ratio,
            )
            row(
                "  latency per transaction p50 / p99",
                f"{_num(r[f'ledger_{mode}p50_ms'], 2)} / {_num(r[f'ledger_{mode}p99_ms'], 2)} ms",
            )
            pair_cpu = part.get("cpu_ms_per_pair") or {}
            row(
                "  CPU per pair: Python / PostgreSQL",
                f"{_num(pair_cpu.get('python'), 2)} / {_num(pair_cpu.get('postgres'), 2)} ms",
            )
        row(
            f"Ledger hold+release, SQL only (pgbench script, {led['sql']['clients']} conns)",
            f"{_num(r.get('ledger_sql_pairs_per_s'))} pairs/s",
            r.get("ledger_sql_ratio_to_pgbench"),
        )
    http = r.get("http") or {}
    if http:
        row(
            f"HTTP order life cycles ({http['clients']} clients, {http['workers']}x{http['threads']} server)",
            f"{_num(r['lifecycles_per_s'], 2)} /s",
        )
        row(
            "  money-moving requests (pay, confirm receipt)",
            f"{_num(r['money_requests_per_s'])} req/s",
            r.get("http_ratio_to_pgbench"),
            HTTP_RATIO_TARGET,
            r.get("http_ratio_to_pgbench"),
        )
        row("  all requests", f"{_num(http['requests_per_s'])} req/s")
        row(
            "  latency per request p50 / p99",
            f"{_num(r['http_p50_ms'])} / {_num(r['http_p99_ms'])} ms",
            None,
            HTTP_P99_TARGET,
            r.get("http_p99_ms"),
        )
        row("  failed life cycles", str(http["failed_cycles"]))
        request_cpu = http.get("cpu_ms_per_request") or {}
        row(
            "  CPU per request: server / PostgreSQL / load generator",
            " / ".join(_num(request_cpu.get(k), 1) for k in ("server", "postgres", "load_generator")) + " ms",
        )
        statements = http.get("sql_statements_per_request") or {}
        if statements:
            detail = ", ".join(f"{step} {n}" for step, n in statements.items())
            row(f"  SQL statements per life cycle ({detail})", str(http["sql_statements_per_life_cycle"]))
    if books:
        row("Books balance after the runs (ledger check)", "yes" if all(books) else "[red]NO[/]")
    sweep = r.get("sweep") or {}
    if sweep:
        small, large = sweep["small"], sweep["large"]
        due = sweep["due"]
        row(f"Sweep: {due:,} due among {small['open_orders']:,} open", f"{_num(r['sweep_1k_due_in_10k_s'], 3)} s")
        row(f"Sweep: {due:,} due among {large['open_orders']:,} open", f"{_num(r['sweep_1k_due_in_1m_s'], 3)} s")
        row(
            "  per due order, small / large",
            f"{_num(small['sweep_ms_per_due_order'], 2)} / {_num(large['sweep_ms_per_due_order'], 2)} ms",
        )
        row("  ratio (large / small)", _num(r["sweep_ratio"], 2), None, SWEEP_TARGET, r["sweep_ratio"])
        row(
            "  'is anything due' (the sweep's queries, all rules), small / large",
            f"{_num(small['due_check_ms'], 2)} / {_num(large['due_check_ms'], 2)} ms",
        )
        slowest = max(large["due_check_per_rule_ms"].items(), key=lambda item: item[1], default=None)
        if slowest:
            name = slowest[0]
            row(
                f"  slowest due query: {name}, small / large",
                f"{_num(small['due_check_per_rule_ms'].get(name), 2)} / {_num(slowest[1], 2)} ms",
            )
            read = large.get("plan_index_rows_read", {}).get(name, 0)
            if read:
                row(f"  {name}: index entries read with nothing due (large)", f"{read:,}")
        seq = small["plan_seq_scan_on_orders"] or large["plan_seq_scan_on_orders"]
        row("  the sweep's due queries use the indexes", "no: sequential scan" if seq else "yes")
        scanned = large.get("exists_plan_seq_scan_rules") or []
        row(
            "  same question as .exists() (LIMIT 1), small / large",
            f"{_num(small.get('exists_check_ms'), 2)} / {_num(large.get('exists_check_ms'), 2)} ms",
        )
        if scanned:
            row(f"  .exists() planned as a sequential scan for ({', '.join(scanned)})", f"{len(scanned)} rules")
    rated = r.get("rating") or {}
    if rated:
        size = f"{rated['suppliers']:,} suppliers, {rated['orders']:,} orders"
        row(f"Rating: full refresh ({size})", f"{_num(r['rating_refresh_s'], 2)} s")
        row("  again, nothing changed (no history written)", f"{_num(r['rating_refresh_unchanged_s'], 2)} s")
        row("  SELECT count(*) FROM trade_order, same run", f"{_num(r['rating_count_orders_s'], 3)} s")
        row("  ratio refresh / count(*)", _num(r["rating_refresh_ratio_to_count"], 1))
        row(
            f"Directory search p50 / p99 ({rated['queries']} typical filtered queries)",
            f"{_num(r['directory_p50_ms'], 1)} / {_num(r['directory_p99_ms'], 1)} ms",
        )
    risk = r.get("risk") or {}
    if risk:
        row(
            f"Risk decision p50 / p99 ({risk['decisions']:,} among {risk['payments']:,} payments; target p99 < 5 ms)",
            f"{_num(risk['decision_p50_ms'], 2)} / {_num(risk['decision_p99_ms'], 2)} ms",
        )
        row(
            "  screen() with its assessment insert, p50 / p99",
            f"{_num(risk['screen_p50_ms'], 2)} / {_num(risk['screen_p99_ms'], 2)} ms",
        )
    return t


def write_json(results: dict[str, Any], path: Path | None = None) -> Path:
    path = path or RESULTS_DIR / "latest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, sort_keys=False, default=str) + "\n")
    return path
