"""PNG charts of a run (bench/results/*.png, not committed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def throughput(r: dict[str, Any], path: Path) -> None:
    plt = _pyplot()
    candidates: list[tuple[str, float | None]] = [
        ("pgbench TPC-B (tps)", r.get("pgbench_tps")),
        ("ledger pairs/s, SQL only", r.get("ledger_sql_pairs_per_s")),
        ("ledger pairs/s, Python, batched", r.get("ledger_pairs_per_s")),
        ("ledger pairs/s, Python, 1 per transaction", r.get("ledger_single_pairs_per_s")),
        ("HTTP requests/s", (r.get("http") or {}).get("requests_per_s")),
        ("HTTP money requests/s", r.get("money_requests_per_s")),
        ("HTTP life cycles/s", r.get("lifecycles_per_s")),
    ]
    bars = [(label, float(value)) for label, value in candidates if value is not None]
    fig, ax = plt.subplots(figsize=(9, 4))
    labels = [label for label, _ in bars]
    values = [value for _, value in bars]
    ax.barh(labels, values, color=["#555"] + ["#2a7ab0"] * (len(values) - 1))
    ax.invert_yaxis()
    reference = r.get("pgbench_tps")
    for y, value in enumerate(values):
        share = f"  {value:,.0f}" + (f" ({value / reference:.0%} of pgbench)" if reference else "")
        ax.text(value, y, share, va="center", fontsize=8)
    ax.set_xlabel("per second")
    ax.set_title(f"Throughput on {r.get('cores')} cores, same PostgreSQL server")
    ax.set_xlim(0, max(values) * 1.45 if values else 1)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def latency(r: dict[str, Any], path: Path) -> None:
    plt = _pyplot()
    steps = (r.get("http") or {}).get("per_step") or {}
    names = list(steps)
    p50 = [steps[name]["p50_ms"] for name in names]
    p99 = [steps[name]["p99_ms"] for name in names]
    if r.get("ledger_p50_ms") is not None:
        names.append("ledger batch")
        p50.append(r["ledger_p50_ms"])
        p99.append(r["ledger_p99_ms"])
    if r.get("ledger_single_p50_ms") is not None:
        names.append("ledger pair")
        p50.append(r["ledger_single_p50_ms"])
        p99.append(r["ledger_single_p99_ms"])
    fig, ax = plt.subplots(figsize=(9, 4))
    xs = range(len(names))
    ax.bar([x - 0.2 for x in xs], p50, width=0.4, label="p50")
    ax.bar([x + 0.2 for x in xs], p99, width=0.4, label="p99")
    ax.axhline(100, color="red", linestyle="--", linewidth=1, label="HTTP p99 target 100 ms")
    ax.set_xticks(list(xs), names, rotation=20, ha="right")
    ax.set_yscale("log")
    ax.set_ylabel("ms (log scale)")
    ax.set_title("Latency per request (HTTP) and per ledger pair")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def sweep(r: dict[str, Any], path: Path) -> None:
    plt = _pyplot()
    data = r.get("sweep") or {}
    if not data:
        return
    scales = [data["small"], data["large"]]
    labels = [f"{s['open_orders']:,} open" for s in scales]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.8))
    left.bar(labels, [s["sweep_s"] for s in scales], color="#2a7ab0")
    left.set_ylabel("seconds")
    left.set_title(f"Sweep of {data['due']:,} due orders")
    right.bar(labels, [s["due_check_ms"] for s in scales], color="#6a9f3a")
    right.set_ylabel("ms")
    right.set_title("'Is anything due' (all rules)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def draw_all(r: dict[str, Any], directory: Path) -> list[Path]:
    drawn = []
    for name, draw in (("throughput", throughput), ("latency", latency), ("sweep", sweep)):
        path = directory / f"{name}.png"
        path.unlink(missing_ok=True)
        draw(r, path)
        if path.exists():
            drawn.append(path)
    return drawn
