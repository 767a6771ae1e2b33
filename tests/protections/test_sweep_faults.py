"""Sweeps are safe with two workers at once and after a worker is killed half-way (SIGKILL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import connection
from tests.conftest import make_party
from tests.helpers import assert_books_balance

from tradeshield.kit import clock
from tradeshield.ledger.models import Transfer
from tradeshield.orders import paying, services
from tradeshield.organizations.actors import actor_for_user
from tradeshield.organizations.models import OrgKind
from tradeshield.protections.models import ProtectionAction
from tradeshield.protections.services import sweep

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": clock.today().year + 3, "cvc": "123"}


def late_orders(count: int) -> None:
    buyer, supplier = make_party(OrgKind.BUYER, "B", "US"), make_party(OrgKind.SUPPLIER, "S", "CN")
    b, s = actor_for_user(buyer.user), actor_for_user(supplier.user)
    terms = services.OrderTerms(
        title="Late",
        currency="USD",
        incoterm="FOB",
        named_place="Ningbo",
        lines=[services.LineInput("Widget", Decimal("10"), "pcs", 5_000)],
        ship_by_date=clock.today() + timedelta(days=1),
    )
    for _ in range(count):
        order = services.order_create(actor=s, counterparty_id=buyer.org.id, terms=terms)
        services.order_confirm(actor=s, order_id=order.id)
        services.order_confirm(actor=b, order_id=order.id)
        paying.order_pay(actor=b, order_id=order.id, method="card", card=CARD)


WHEN = clock.now() + timedelta(days=5)


def assert_each_compensated_once(count: int) -> None:
    assert ProtectionAction.objects.filter(rule="late_compensation").count() == count
    assert Transfer.objects.filter(code="compensation").count() == count
    assert_books_balance()


def test_two_workers_sweeping_at_once_act_once_per_order():
    late_orders(30)
    barrier = threading.Barrier(2)
    reports = []

    def worker() -> None:
        try:
            barrier.wait()
            reports.append(sweep(now=WHEN))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.acted["late_compensation"] for r in reports) == 30
    assert_each_compensated_once(30)


def _database_url() -> str:
    s = connection.settings_dict
    host = s["HOST"] or "localhost"
    if host.startswith("/"):
        return f"postgresql://{quote(s['USER'])}:{quote(s['PASSWORD'] or '')}@/{s['NAME']}?host={host}"
    return f"postgresql://{quote(s['USER'])}:{quote(s['PASSWORD'] or '')}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


SWEEPER = """
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "tradeshield.settings"
django.setup()
from datetime import datetime
from tradeshield.protections.services import sweep
sweep(now=datetime.fromisoformat(sys.argv[1]), batch=10)
"""


def test_a_worker_killed_mid_sweep_loses_nothing_and_pays_nothing_twice():
    late_orders(150)
    env = {**os.environ, "DATABASE_URL": _database_url()}
    sweeper = subprocess.Popen([sys.executable, "-c", SWEEPER, WHEN.isoformat()], env=env)
    deadline = time.monotonic() + 60
    while ProtectionAction.objects.count() < 10 and time.monotonic() < deadline and sweeper.poll() is None:
        time.sleep(0.02)
    sweeper.send_signal(signal.SIGKILL)
    sweeper.wait()
    done_before_restart = ProtectionAction.objects.count()
    assert 0 < done_before_restart < 150, "the kill should land in the middle of the sweep"
    assert Transfer.objects.filter(code="compensation").count() == done_before_restart  # no half-done action
    report = sweep(now=WHEN)
    assert report.acted["late_compensation"] == 150 - done_before_restart
    assert_each_compensated_once(150)
