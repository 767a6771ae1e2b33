"""`tradeshield simulate`: a small market through the real services, and its JSON report."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from tests.protections.test_sweep_faults import _database_url

from tradeshield.demo.simulation import MarketParams, run_market


@pytest.mark.django_db
def test_a_market_of_late_suppliers_is_compensated_and_balanced():
    report = run_market(
        MarketParams(
            buyers=3,
            suppliers=2,
            orders=8,
            days=70,
            late_share=1.0,
            never_share=0.0,
            silent_share=0.0,
            unpaid_share=0.0,
            seed=1,
        )
    )
    assert sum(report.orders_by_outcome.values()) == 8
    assert report.rule_actions["late_compensation"] == 8
    assert sum(report.compensation_paid.values()) > 0
    assert report.ledger_balanced


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simulate_command_prints_one_json_report():
    env = {**os.environ, "DATABASE_URL": _database_url()}
    result = subprocess.run(
        [sys.executable, "-m", "tradeshield.cli", "simulate", "--orders", "6", "--days", "40", "--json", "--seed", "5"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["ledger_balanced"] is True
    assert sum(report["orders_by_outcome"].values()) == 6
    assert set(report) >= {"orders_by_outcome", "amounts_by_outcome", "compensation_paid", "in_escrow", "rule_actions"}
