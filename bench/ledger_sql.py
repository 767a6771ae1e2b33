"""The same hold + release pair without Python: a pgbench script of the two INSERTs the ledger
service issues, on the same tables, triggers and constraints. It measures what the database alone
costs per pair, i.e. the ceiling for any application-side ledger path (see README "Benchmarks").
"""

from __future__ import annotations

from bench.ledger import CURRENCY, escrow_ref, supplier_ref


def pgbench_text(text: str) -> str:
    """A SQL string literal that pgbench leaves alone: pgbench replaces `:name` even inside quotes,
    so every colon is concatenated in on its own."""
    return " || ':' || ".join("'" + part.replace("'", "''") + "'" for part in text.split(":"))


def _account(kind: str, owner_ref_prefix: str) -> str:
    return f"{pgbench_text(kind + ':' + owner_ref_prefix)} || :client_id || {pgbench_text(':' + CURRENCY)}"


def script() -> str:
    """Two statements in one transaction; transfer ids from the client id and a 62-bit random number."""
    from bench.sqlgen import insert_select
    from tradeshield.ledger.models import Transfer

    hold_id = f"{pgbench_text('bench-sql-')} || :client_id || '-' || :r"
    common = {
        "debit_account_id": _account("escrow", escrow_ref("sql")),
        "credit_account_id": _account("supplier_available", supplier_ref("sql")),
        "amount": "100",
        "currency": f"'{CURRENCY}'",
    }
    hold = insert_select(
        Transfer,
        {**common, "id": hold_id, "kind": "'pending'", "code": "'bench_hold'", "pending_id": "NULL"},
        "(SELECT 1) AS one",
    )
    release = insert_select(
        Transfer,
        {
            **common,
            "id": f"{hold_id} || '-release'",
            "kind": "'post'",
            "code": "'bench_release'",
            "pending_id": hold_id,
        },
        "(SELECT 1) AS one",
    )
    # insert_select doubles percent signs for %-formatting; here the text goes to pgbench as is.
    hold, release = hold.replace("%%", "%"), release.replace("%%", "%")
    return "\n".join(
        [
            r"\set r random(1, 4611686018427387903)",
            "BEGIN;",
            hold + ";",
            release + ";",
            "END;",
            "",
        ]
    )
