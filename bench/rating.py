"""Credit ratings and the supplier directory at scale (issue 5).

Suppliers (with directory profiles) and orders are generated in SQL (INSERT … SELECT
generate_series, in chunks): orders are 80 % completed, 5 % refunded, 5 % cancelled, 10 % open
(paid or shipped); USD, EUR and CNY; FOB or DDP; about 90 % met their deadline. Then, in the same
run: a plain `SELECT count(*)` of the orders table (median of 3), the full rating refresh (first:
every supplier gets a history row; second: nothing changed, no history written), and typical
directory searches (keyword, category, country, minimum grade, verified, each sort) through
`credit.selectors.directory_search`, p50/p99.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.sqlgen import insert_select
from bench.stats import median, percentile

CHUNK = 500_000
WORDS = ("led", "panel", "cable", "shirt", "lamp", "valve", "pump", "bottle", "carton", "drill", "sensor", "fabric")
CATEGORIES = ("electronics", "lighting", "machinery", "apparel", "home", "packaging", "chemicals", "tools")
COUNTRIES = ("CN", "VN", "IN", "TR", "BD", "MX", "DE", "US")

_SUPPLIER = {
    "id": "'org_bsup' || lpad(g.n::text, 10, '0')",
    "name": "'Bench Supplier ' || g.n",
    "kind": "'supplier'",
    "country": "(ARRAY['CN','VN','IN','TR','BD','MX','DE','US'])[mod(g.n, 8) + 1]",
    "languages": "'[\"en\"]'::jsonb",
    "default_currency": "'USD'",
    "coverage_limit_usd": "5000000",
    "test_clock_id": "NULL",
    "created_at": "now() - mod(g.n, 2000) * interval '1 day'",
    "updated_at": "now()",
}


def _profile_sql() -> str:
    words = "ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "]"
    cats = "ARRAY[" + ",".join(f"'{c}'" for c in CATEGORIES) + "]"
    return (
        "INSERT INTO credit_supplier_profile (organization_id, description, categories, main_products, search_text,"
        " updated_at) SELECT 'org_bsup' || lpad(g.n::text, 10, '0'), 'Factory ' || g.n,"
        f" ARRAY[({cats})[mod(g.n, 8) + 1], ({cats})[mod(g.n / 8, 8) + 1]]::varchar[],"
        f" ({words})[mod(g.n, 12) + 1] || ' ' || ({words})[mod(g.n / 12, 12) + 1],"
        f" 'bench supplier ' || g.n || ' ' || ({words})[mod(g.n, 12) + 1] || ' ' || ({words})[mod(g.n / 12, 12) + 1],"
        " now() FROM generate_series(%(lo)s, %(hi)s) AS g(n)"
    )


# g.n is the order number; its supplier is a pseudo-random one (multiplicative hash), so suppliers
# get uneven order counts like real ones.
_ORDER = {
    "id": "'ord_brat' || lpad(g.n::text, 11, '0')",
    "buyer_id": "%(buyer)s",
    "supplier_id": "'org_bsup' || lpad((mod(g.n::bigint * 7919, %(suppliers)s) + 1)::text, 10, '0')",
    "initiated_by": "'supplier'",
    "title": "'Bench order'",
    "currency": "(ARRAY['USD','USD','EUR','CNY'])[mod(g.n, 4) + 1]",
    "incoterm": "CASE WHEN mod(g.n, 5) = 0 THEN 'DDP' ELSE 'FOB' END",
    "named_place": "'Port'",
    "ship_by_date": "current_date - mod(g.n, 700)::int",
    "lead_time_days": "NULL",
    "total_amount": "100000 + mod(g.n::bigint * 104729, 5000000)",
    "status": "CASE WHEN mod(g.n, 20) < 16 THEN 'completed' WHEN mod(g.n, 20) = 16 THEN 'refunded'"
    " WHEN mod(g.n, 20) = 17 THEN 'cancelled' WHEN mod(g.n, 20) = 18 THEN 'paid' ELSE 'shipped' END",
    "ship_deadline": "current_date - mod(g.n, 700)::int",
    "shipped_at": "CASE WHEN mod(g.n, 20) < 16 OR mod(g.n, 20) = 19 THEN (current_date - mod(g.n, 700)::int)"
    " + CASE WHEN mod(g.n, 10) = 0 THEN interval '3 days' ELSE interval '-1 day' END END",
    "delivered_at": "CASE WHEN mod(g.n, 20) < 16 THEN (current_date - mod(g.n, 700)::int)"
    " + CASE WHEN mod(g.n, 10) = 0 THEN interval '9 days' ELSE interval '-1 hour' END END",
    "test_clock_id": "NULL",
    "created_at": "now() - (mod(g.n, 700) + 30) * interval '1 day'",
    "updated_at": "now() - mod(g.n, 700) * interval '1 day'",
}


@dataclass
class Generated:
    suppliers: int = 0
    orders: int = 0
    generate_s: float = 0.0


def generate(suppliers: int, orders: int, step: Callable[[str, int], None]) -> Generated:
    from django.db import connection, transaction

    from tradeshield.orders.models import Order
    from tradeshield.organizations import services as orgs
    from tradeshield.organizations.models import Organization, OrgKind

    started = time.monotonic()
    buyer = orgs.organization_create(name="Rating bench buyer", kind=OrgKind.BUYER, country="US")
    org_sql = insert_select(Organization, _SUPPLIER, "generate_series(%(lo)s, %(hi)s) AS g(n)")
    order_sql = insert_select(Order, _ORDER, "generate_series(%(lo)s, %(hi)s) AS g(n)")
    for lo in range(1, suppliers + 1, CHUNK):
        hi = min(suppliers, lo + CHUNK - 1)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(org_sql, {"lo": lo, "hi": hi})
            cursor.execute(_profile_sql(), {"lo": lo, "hi": hi})
        step("suppliers", hi)
    for lo in range(1, orders + 1, CHUNK):
        hi = min(orders, lo + CHUNK - 1)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(order_sql, {"lo": lo, "hi": hi, "buyer": buyer.id, "suppliers": suppliers})
        step("orders", hi)
    with connection.cursor() as cursor:
        for table in ("organization", "credit_supplier_profile", "trade_order"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return Generated(suppliers=suppliers, orders=orders, generate_s=time.monotonic() - started)


def count_orders_s(repeats: int = 3) -> tuple[float, int]:
    from django.db import connection

    times, rows = [], 0
    for _ in range(repeats):
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute("SELECT count(*) FROM trade_order")
            rows = cursor.fetchone()[0]
            times.append(time.perf_counter() - started)
    return median(times), rows


def refresh_s() -> tuple[float, Any]:
    from tradeshield.credit import services

    started = time.perf_counter()
    result = services.rating_refresh(cause="nightly")
    return time.perf_counter() - started, result


def typical_queries(count: int, seed: int = 5) -> list[dict[str, Any]]:
    """A mix buyers type: a keyword with a filter or two, a category in a country, a badge, a grade."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        kind = i % 5
        params: dict[str, Any] = {"sort": rng.choice(("grade", "rating", "response_rate"))}
        if kind == 0:
            params["q"] = rng.choice(WORDS)
        elif kind == 1:
            params |= {"q": rng.choice(WORDS), "country": rng.choice(COUNTRIES)}
        elif kind == 2:
            params |= {"category": rng.choice(CATEGORIES), "country": rng.choice(COUNTRIES)}
        elif kind == 3:
            params |= {"min_grade": rng.choice(("A", "BBB", "BB")), "category": rng.choice(CATEGORIES)}
        else:
            params |= {"q": rng.choice(WORDS), "min_grade": "BBB", "category": rng.choice(CATEGORIES)}
        out.append(params)
    return out


def search_latencies_ms(queries: list[dict[str, Any]]) -> list[float]:
    from tradeshield.credit.selectors import directory_search, parse_query

    latencies = []
    for params in queries:
        started = time.perf_counter()
        directory_search(None, parse_query(params), limit=21)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def explain(params: dict[str, Any]) -> str:
    """The plan of one search (for the JSON)."""
    from django.db import connection

    from tradeshield.credit import selectors

    captured: list[str] = []

    def wrapper(execute: Any, sql: str, sql_params: Any, many: bool, context: Any) -> Any:
        captured.append(connection.ops.compose_sql(sql, sql_params))  # type: ignore[attr-defined]
        return execute(sql, sql_params, many, context)

    with connection.execute_wrapper(wrapper):
        selectors.directory_search(None, selectors.parse_query(params), limit=21)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + captured[-1].replace("%", "%%"))
        return "\n".join(row[0] for row in cursor.fetchall())


def p(values: list[float], q: float) -> float:
    return percentile(values, q)
