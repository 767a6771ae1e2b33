"""The protections sweep at two sizes of the open-order book, with the same number of due orders.

Open orders are generated in SQL (INSERT … SELECT generate_series), a mix of the open states the
rules look at, none of them due: paid with a ship deadline ahead, awaiting payment confirmed in the
last 10 days, shipped in the last 50 days (shipped on time; their deadlines are mostly past). The due
orders are shipped 59½ days ago: only the cheap `auto_confirm_reminder` rule is due for them (it
records an order event, which also defers a notification job). After each timed sweep the due
orders are retired (set completed, as auto-confirmation would do a day later) and the table is
vacuumed and analyzed, untimed, as autovacuum would.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.stats import median

DUE_RULE = "auto_confirm_reminder"
CHUNK = 100_000
BATCH = 500  # the sweep's batch size (protections.services.sweep)
_INDEX = re.compile(r"(?:Index (?:Only )?Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)")
_REMOVED = re.compile(r"Rows Removed by Filter: (\d+)")
_INDEX_ROWS = re.compile(r"Index (?:Only )?Scan.*actual time=\S+ rows=(\d+) loops=(\d+)")

# Columns every generated order shares; %(buyer)s and %(supplier)s are parameters.
_COMMON = {
    "buyer_id": "%(buyer)s",
    "supplier_id": "%(supplier)s",
    "initiated_by": "'supplier'",
    "title": "'Bench order ' || g.n",
    "currency": "'USD'",
    "incoterm": "'FOB'",
    "named_place": "'Shenzhen port'",
    "ship_by_date": "current_date + 30",
    "lead_time_days": "NULL",
    "total_amount": "125000",
    "test_clock_id": "NULL",
    "created_at": "now() - interval '90 days'",
    "updated_at": "now()",
}

# n % 3: 0 paid (deadline ahead), 1 awaiting payment (confirmed lately), 2 shipped (lately, on time).
_OPEN = {
    **_COMMON,
    "status": "(ARRAY['paid', 'awaiting_payment', 'shipped'])[mod(g.n, 3) + 1]",
    "confirmed_at": "CASE mod(g.n, 3) WHEN 1 THEN now() - mod(g.n, 10) * interval '1 day' "
    "ELSE now() - interval '80 days' END",
    "buyer_confirmed_at": "now() - interval '80 days'",
    "supplier_confirmed_at": "now() - interval '80 days'",
    "paid_at": "CASE mod(g.n, 3) WHEN 1 THEN NULL ELSE now() - interval '70 days' END",
    "ship_deadline": "CASE mod(g.n, 3) WHEN 0 THEN current_date + 30 + mod(g.n, 365)::int "
    "WHEN 1 THEN current_date + 30 ELSE current_date - mod(g.n, 50)::int + 5 END",
    "shipped_at": "CASE mod(g.n, 3) WHEN 2 THEN now() - mod(g.n, 50) * interval '1 day' END",
    "delivered_at": "NULL",
}

_DUE = {
    **_COMMON,
    "status": "'shipped'",
    "confirmed_at": "now() - interval '80 days'",
    "buyer_confirmed_at": "now() - interval '80 days'",
    "supplier_confirmed_at": "now() - interval '80 days'",
    "paid_at": "now() - interval '75 days'",
    "ship_deadline": "current_date - 55",
    "shipped_at": "now() - interval '59 days 12 hours'",
    "delivered_at": "NULL",
}


def order_id_sql() -> str:
    return "'ord_bench' || lpad(g.n::text, 10, '0')"


def order_id(n: int) -> str:
    return f"ord_bench{n:010d}"


@dataclass
class Scale:
    open_orders: int
    sweep_seconds: list[float] = field(default_factory=list)
    acted: list[int] = field(default_factory=list)
    other_actions: dict[str, int] = field(default_factory=dict)
    due_check_ms: float = 0.0  # "is anything due", all rules, nothing due
    due_check_with_due_ms: float = 0.0
    due_check_per_rule_ms: dict[str, float] = field(default_factory=dict)
    exists_check_ms: float = 0.0  # the same question asked with .exists() (LIMIT 1, no ORDER BY)
    exists_check_per_rule_ms: dict[str, float] = field(default_factory=dict)
    exists_seq_scan: list[str] = field(default_factory=list)  # rules whose .exists() plan scans trade_order
    plans: dict[str, list[str]] = field(default_factory=dict)
    indexes: dict[str, list[str]] = field(default_factory=dict)
    rows_removed_by_filter: dict[str, int] = field(default_factory=dict)
    index_rows: dict[str, int] = field(default_factory=dict)  # index entries read by the due query
    seq_scan: bool = False

    @property
    def sweep_s(self) -> float:
        return median(self.sweep_seconds)


class OrderBook:
    """Generated orders of one buyer and one supplier, numbered 1, 2, …"""

    def __init__(self) -> None:
        from tradeshield.organizations import services as orgs
        from tradeshield.organizations.models import OrgKind

        self.buyer = orgs.organization_create(name="Bench sweep buyer", kind=OrgKind.BUYER, country="US")
        self.supplier = orgs.organization_create(name="Bench sweep supplier", kind=OrgKind.SUPPLIER, country="CN")
        self.last = 0
        self.open = 0
        self.due: tuple[int, int] | None = None

    def _insert(self, columns: dict[str, str], count: int) -> tuple[int, int]:
        from django.db import connection

        from bench.sqlgen import insert_select
        from tradeshield.orders.models import Order

        first, last = self.last + 1, self.last + count
        statement = insert_select(
            Order, {**columns, "id": order_id_sql()}, "generate_series(%(first)s, %(last)s) AS g(n)"
        )
        params: dict[str, str | int] = {
            "buyer": self.buyer.id,
            "supplier": self.supplier.id,
            "first": first,
            "last": last,
        }
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
        self.last = last
        return first, last

    def grow_open(self, target: int, on_progress: Callable[[int], None]) -> None:
        while self.open < target:
            count = min(CHUNK, target - self.open)
            self._insert(_OPEN, count)
            self.open += count
            on_progress(self.open)
        vacuum_analyze()

    def add_due(self, count: int) -> None:
        self.due = self._insert(_DUE, count)
        vacuum_analyze()

    def retire_due(self) -> None:
        from django.db import connection

        if self.due is None:
            return
        first, last = self.due
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE trade_order SET status = 'completed' WHERE id BETWEEN %s AND %s AND status = 'shipped'",
                [order_id(first), order_id(last)],
            )
        self.due = None
        vacuum_analyze()


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # INDEX_CLEANUP ON: otherwise a few dead index entries of retired orders may stay (PostgreSQL
        # skips index vacuuming when there are few), and the larger run would carry more of them.
        cursor.execute("VACUUM (ANALYZE, INDEX_CLEANUP ON) trade_order")


def _due_query(rule: Any, policy: Any, now: Any, form: str) -> Any:
    """The sweep's own question (`batch`: the first 500 due ids in due order), or `exists` (LIMIT 1)."""
    due = rule.due(policy, now, None)
    return due.exists() if form == "exists" else list(due.values_list("pk", flat=True)[:BATCH])


def due_check(form: str = "batch", per_rule_ms: dict[str, list[float]] | None = None) -> tuple[float, dict[str, bool]]:
    """ "Is anything due", for every rule; seconds and the answers."""
    from tradeshield.kit import clock
    from tradeshield.protections.policy import current_policy
    from tradeshield.protections.rules import RULES

    policy, now = current_policy(), clock.now()
    answers: dict[str, bool] = {}
    began = time.perf_counter()
    for rule in RULES:
        rule_began = time.perf_counter()
        answers[rule.name] = bool(_due_query(rule, policy, now, form))
        if per_rule_ms is not None:
            per_rule_ms.setdefault(rule.name, []).append((time.perf_counter() - rule_began) * 1000)
    return time.perf_counter() - began, answers


def _median_check(form: str, times: int = 5) -> tuple[float, dict[str, float]]:
    checks: list[float] = []
    per_rule: dict[str, list[float]] = {}
    for _ in range(times):
        seconds, answers = due_check(form, per_rule)
        if any(answers.values()):
            raise RuntimeError(f"something is still due after the sweeps: {answers}")
        checks.append(seconds * 1000)
    return round(median(checks), 3), {name: round(median(ms), 3) for name, ms in per_rule.items()}


def index_rows_read(plan: str) -> int:
    """Index entries an EXPLAIN ANALYZE plan read: the sum over index scans of rows times loops."""
    return sum(int(rows) * int(loops) for rows, loops in _INDEX_ROWS.findall(plan))


def explain_rules(scale: Scale) -> None:
    """EXPLAIN ANALYZE of each rule's first batch query (what `sweep` runs) with nothing due."""
    from tradeshield.kit import clock
    from tradeshield.protections.policy import current_policy
    from tradeshield.protections.rules import RULES

    policy, now = current_policy(), clock.now()
    for rule in RULES:
        query = rule.due(policy, now, None).values_list("pk", flat=True)[:BATCH]
        plan = query.explain(analyze=True, buffers=True)
        lines = plan.splitlines()
        scale.plans[rule.name] = lines
        scale.indexes[rule.name] = sorted(set(_INDEX.findall(plan)))
        scale.rows_removed_by_filter[rule.name] = sum(int(x) for x in _REMOVED.findall(plan))
        scale.index_rows[rule.name] = index_rows_read(plan)
        scale.seq_scan = scale.seq_scan or "Seq Scan on trade_order" in plan


def explain_exists() -> list[str]:
    """Rules whose `.exists()` form is planned as a sequential scan of the orders."""
    from tradeshield.kit import clock
    from tradeshield.protections.policy import current_policy
    from tradeshield.protections.rules import RULES

    policy, now = current_policy(), clock.now()
    plans = {rule.name: rule.due(policy, now, None).order_by()[:1].explain() for rule in RULES}
    return [name for name, plan in plans.items() if "Seq Scan on trade_order" in plan]


def time_sweep(scale: Scale, due: int) -> None:
    from django.db import connection

    from tradeshield.kit import clock
    from tradeshield.protections.services import sweep

    began = time.perf_counter()
    report = sweep(now=clock.now(), clock_id=None)
    scale.sweep_seconds.append(time.perf_counter() - began)
    scale.acted.append(report.acted.get(DUE_RULE, 0))
    for rule, count in report.acted.items():
        if rule != DUE_RULE:
            scale.other_actions[rule] = scale.other_actions.get(rule, 0) + count
    connection.close()
    if report.acted.get(DUE_RULE, 0) != due:
        raise RuntimeError(f"the sweep acted on {dict(report.acted)}; expected {due} of {DUE_RULE}")


def measure(book: OrderBook, open_orders: int, due: int, repeats: int, on_step: Callable[[str], None]) -> Scale:
    scale = Scale(open_orders=open_orders)
    for repeat in range(repeats):
        on_step(f"sweep {repeat + 1}/{repeats}: {due:,} due among {open_orders:,} open")
        book.add_due(due)
        seconds, answers = due_check("batch")
        if not answers.get(DUE_RULE):
            raise RuntimeError(f"{DUE_RULE} is not due for the generated orders: {answers}")
        scale.due_check_with_due_ms = max(scale.due_check_with_due_ms, seconds * 1000)
        time_sweep(scale, due)
        book.retire_due()
    scale.due_check_ms, scale.due_check_per_rule_ms = _median_check("batch")
    scale.exists_check_ms, scale.exists_check_per_rule_ms = _median_check("exists")
    scale.exists_seq_scan = explain_exists()
    scale.due_check_with_due_ms = round(scale.due_check_with_due_ms, 3)
    explain_rules(scale)
    return scale


def as_dict(scale: Scale) -> dict[str, Any]:
    return {
        "open_orders": scale.open_orders,
        "sweep_s": round(scale.sweep_s, 4),
        "sweep_runs_s": [round(s, 4) for s in scale.sweep_seconds],
        "sweep_ms_per_due_order": round(scale.sweep_s * 1000 / max(1, max(scale.acted, default=1)), 3),
        "acted_per_run": scale.acted,
        "other_rules_acted": scale.other_actions,
        "due_check_ms": scale.due_check_ms,
        "due_check_with_due_ms": scale.due_check_with_due_ms,
        "due_check_per_rule_ms": scale.due_check_per_rule_ms,
        "exists_check_ms": scale.exists_check_ms,
        "exists_check_per_rule_ms": scale.exists_check_per_rule_ms,
        "exists_plan_seq_scan_rules": scale.exists_seq_scan,
        "plan_indexes": scale.indexes,
        "plan_rows_removed_by_filter": scale.rows_removed_by_filter,
        "plan_index_rows_read": scale.index_rows,
        "plan_seq_scan_on_orders": scale.seq_scan,
        "plans": scale.plans,
    }
