"""The SQL the benchmark generates (built from the models; no database query is run)."""

from __future__ import annotations

import pytest
from bench.sqlgen import MissingColumn, Value, column_value
from bench.sweep import index_rows_read

from tradeshield.orders.models import Order


def _field(name: str):
    return Order._meta.get_field(name)


def test_clock_defaults_become_now_and_nullable_columns_null():
    assert column_value(_field("created_at")) == Value(sql="now()")
    assert column_value(_field("paid_at")) == Value(sql="NULL")


def test_constant_defaults_are_kept_as_values():
    assert column_value(_field("inspection_required")) == Value(value=False)
    assert column_value(_field("terms_version")) == Value(value=1)
    assert column_value(_field("notes")) == Value(value="")


def test_columns_without_a_default_must_be_given():
    with pytest.raises(MissingColumn, match=r"Order\.title"):
        column_value(_field("title"))
    with pytest.raises(MissingColumn, match="unique"):
        column_value(_field("id"))


PARALLEL_PLAN = "\n".join(  # trimmed from a real EXPLAIN ANALYZE of late_compensation's due query
    [
        "Limit  (cost=43265.71..43324.05 rows=500 width=24) (actual time=276.340..288.432 rows=0 loops=1)",
        "  ->  Parallel Bitmap Heap Scan on trade_order  (cost=4004.86..39539.35 rows=40474 width=24)"
        " (actual time=264.433..264.434 rows=0 loops=3)",
        "        Rows Removed by Filter: 95555",
        "              ->  Bitmap Index Scan on order_due_ship  (cost=0.00..1339.81 rows=97138 width=0)"
        " (actual time=0.013..0.013 rows=0 loops=1)",
        "              ->  Bitmap Index Scan on order_due_ship  (cost=0.00..2616.49 rows=194364 width=0)"
        " (actual time=27.604..27.604 rows=286666 loops=1)",
        "  ->  Index Scan using protection_action_once on protection_action u0  (cost=0.27..8.30 rows=1 width=98)"
        " (actual time=0.010..0.010 rows=1 loops=4)",
    ]
)


def test_index_entries_read_are_counted_from_the_actual_rows():
    assert index_rows_read(PARALLEL_PLAN) == 286_666 + 4
    assert index_rows_read("Seq Scan on trade_order  (actual time=0.1..14.6 rows=0 loops=1)") == 0
