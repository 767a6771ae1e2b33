"""Real processes killed under load: the books balance and every money move happens once or not at all.

`tradeshield serve` (gunicorn) and `tradeshield worker` run as subprocesses on the test database. Clients
confirm receipt of shipped orders (each releases escrow) while the web server is SIGKILLed, or while
another connection terminates the server's database sessions mid-request; a worker is SIGKILLed in the
middle of a compensation sweep. Afterwards, and after a restart:

- the ledger balances to zero in every currency;
- an order whose request got a 2xx is completed with exactly one escrow release;
- any other order is either completed the same way or untouched (shipped, no release): never half-done;
- retrying every unacknowledged order completes it exactly once;
- every late order is compensated exactly once.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import httpx
import pytest
from django.db import connection
from django.db.models import Q
from tests.helpers import assert_books_balance

from tradeshield.kit import clock
from tradeshield.ledger.models import Transfer
from tradeshield.orders import paying, services
from tradeshield.orders.models import Order
from tradeshield.organizations import services as orgs
from tradeshield.organizations.actors import actor_for_user
from tradeshield.organizations.models import OrgKind
from tradeshield.protections.models import ProtectionAction
from tradeshield.protections.tasks import protections_sweep
from tradeshield.shipments import services as shipping
from tradeshield.suppliers.fixtures import qualify

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": clock.today().year + 3, "cvc": "123"}
PASSWORD = "fault-tests-password-42"


def database_url() -> str:
    s = connection.settings_dict
    host = s["HOST"] or "localhost"
    auth = f"{quote(s['USER'])}:{quote(s['PASSWORD'] or '')}"
    if host.startswith("/"):
        return f"postgresql://{auth}@/{s['NAME']}?host={host}"
    return f"postgresql://{auth}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env() -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url(), "TRADESHIELD_SECURE_COOKIES": "0"}


@contextmanager
def process_group(command: list[str]) -> Iterator[subprocess.Popen[bytes]]:
    """A subprocess in its own process group, SIGKILLed with all its children when the block ends."""
    process = subprocess.Popen(command, env=_env(), start_new_session=True, stdout=subprocess.DEVNULL)
    try:
        yield process
    finally:
        kill_group(process)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def serve(port: int) -> list[str]:
    return [sys.executable, "-m", "tradeshield.cli", "serve", "--port", str(port), "--workers", "2", "--no-worker"]


def wait_until_serving(base: str, process: subprocess.Popen[bytes]) -> None:
    def up() -> bool:
        assert process.poll() is None, "the server exited"
        try:
            return httpx.get(f"{base}/api/v1/protection-policy", timeout=1).status_code == 401
        except httpx.TransportError:
            return False

    wait_for(up, 30, "the server to answer")


def end_other_sessions() -> None:
    """Killed processes leave nothing behind, but make sure before the test database is flushed."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def forget_jobs() -> Iterator[None]:
    """The server defers notification jobs and the worker periodic ones; leave none for later tests."""
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM procrastinate_jobs")
        (before,) = cur.fetchone()
    yield
    end_other_sessions()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM procrastinate_periodic_defers WHERE job_id > %s", [before])
        cur.execute("DELETE FROM procrastinate_events WHERE job_id > %s", [before])
        cur.execute("DELETE FROM procrastinate_jobs WHERE id > %s", [before])


@dataclass
class Market:
    buyer_token: str
    shipped: list[str]
    supplier_id: str


def shipped_orders(count: int) -> Market:
    buyer_org = orgs.organization_create(name="Fault Buyer", kind=OrgKind.BUYER, country="US")
    supplier_org = orgs.organization_create(name="Fault Supplier", kind=OrgKind.SUPPLIER, country="CN")
    qualify(supplier_org)
    email = f"buyer-{uuid.uuid4().hex[:6]}@fault.test"
    buyer = actor_for_user(orgs.member_create(organization=buyer_org, email=email, password=PASSWORD, role="owner"))
    supplier = actor_for_user(
        orgs.member_create(organization=supplier_org, email=f"s-{email}", password=PASSWORD, role="owner")
    )
    terms = services.OrderTerms(
        title="Fault",
        currency="USD",
        incoterm="FOB",
        named_place="Ningbo",
        lines=[services.LineInput("Widget", Decimal("10"), "pcs", 5_000)],
        ship_by_date=clock.today() + timedelta(days=20),
    )
    ids = []
    for _ in range(count):
        order = services.order_create(actor=supplier, counterparty_id=buyer_org.id, terms=terms)
        services.order_confirm(actor=supplier, order_id=order.id)
        services.order_confirm(actor=buyer, order_id=order.id)
        paying.order_pay(actor=buyer, order_id=order.id, method="card", card=CARD, idempotency_key=order.id)
        shipping.order_ship(actor=supplier, order_id=order.id, carrier="COSCO", tracking_number="C1")
        ids.append(order.id)
    token, _ = orgs.personal_token_issue(email=email, password=PASSWORD)
    return Market(token, ids, supplier_org.id)


@dataclass
class Load:
    """Clients confirming receipt of each order once, concurrently; what each one heard back."""

    base: str
    token: str
    orders: list[str]
    acked: set[str] = field(default_factory=set)
    statuses: dict[str, int | str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, clients: int = 6) -> list[threading.Thread]:
        queue = list(self.orders)

        def client() -> None:
            with httpx.Client(base_url=self.base, timeout=10) as http:
                while True:
                    with self.lock:
                        if not queue:
                            return
                        order_id = queue.pop()
                    try:
                        response = http.post(
                            f"/api/v1/orders/{order_id}/confirm-receipt",
                            headers={"Authorization": f"Bearer {self.token}", "Idempotency-Key": uuid.uuid4().hex},
                        )
                        outcome: int | str = response.status_code
                    except httpx.TransportError as exc:
                        outcome = type(exc).__name__
                    with self.lock:
                        self.statuses[order_id] = outcome
                        if isinstance(outcome, int) and 200 <= outcome < 300:
                            self.acked.add(order_id)

        threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
        for thread in threads:
            thread.start()
        return threads


def releases(order_id: str) -> int:
    escrow = f"escrow:{order_id}:USD"
    return (
        Transfer.objects.filter(code="escrow_release")
        .filter(Q(debit_account_id=escrow) | Q(credit_account_id=escrow))
        .count()
    )


def assert_done_once_or_untouched(market: Market, load: Load) -> list[str]:
    """Every order: completed with one release, or shipped with none. Returns the untouched ones."""
    untouched = []
    by_id = {o.id: o.status for o in Order.objects.filter(pk__in=market.shipped)}
    for order_id in market.shipped:
        count = releases(order_id)
        if by_id[order_id] == "completed":
            assert count == 1, (order_id, count)
        else:
            assert (by_id[order_id], count) == ("shipped", 0), (order_id, by_id[order_id], count)
            assert order_id not in load.acked, f"{order_id} was acknowledged but not completed"
            untouched.append(order_id)
    return untouched


def retry_and_check(base: str, market: Market, untouched: list[str]) -> None:
    """After the restart every order can be finished, and finishing twice moves nothing twice."""
    with httpx.Client(base_url=base, timeout=10) as http:
        for order_id in market.shipped:
            response = http.post(
                f"/api/v1/orders/{order_id}/confirm-receipt",
                headers={"Authorization": f"Bearer {market.buyer_token}", "Idempotency-Key": uuid.uuid4().hex},
            )
            expected = 200 if order_id in untouched else 409
            assert response.status_code == expected, (order_id, response.status_code, response.text)
    assert Order.objects.filter(pk__in=market.shipped, status="completed").count() == len(market.shipped)
    assert all(releases(order_id) == 1 for order_id in market.shipped)
    assert_books_balance()


@pytest.fixture
def market() -> Iterator[Market]:
    yield shipped_orders(40)
    end_other_sessions()


def test_web_server_sigkilled_under_load_then_restarted(market: Market) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    load = Load(base, market.buyer_token, market.shipped)
    with process_group(serve(port)) as server:
        wait_until_serving(base, server)
        threads = load.run()
        wait_for(lambda: len(load.acked) >= 8, 60, "some receipts to be confirmed")
        kill_group(server)
        for thread in threads:
            thread.join(timeout=30)
    assert 8 <= len(load.acked) < len(market.shipped), "the kill should land in the middle of the load"
    untouched = assert_done_once_or_untouched(market, load)
    assert_books_balance()
    with process_group(serve(port)) as server:
        wait_until_serving(base, server)
        retry_and_check(base, market, untouched)


def test_database_sessions_terminated_mid_request(market: Market) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    load = Load(base, market.buyer_token, market.shipped)
    killed = 0
    with process_group(serve(port)) as server:
        wait_until_serving(base, server)
        threads = load.run()
        # Terminate the server's sessions that are mid-request, in bursts, while the load runs; then
        # let the rest of the load through.
        for _ in range(12):
            if not any(thread.is_alive() for thread in threads):
                break
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')"
                )
                killed += cur.fetchone()[0]
            time.sleep(0.15)
        for thread in threads:
            thread.join(timeout=60)
        failed = [o for o, status in load.statuses.items() if status not in (200,)]
        assert killed > 0, "no session was ever caught mid-request"
        assert load.acked and failed, "some requests should fail and some get through"
        untouched = assert_done_once_or_untouched(market, load)
        assert_books_balance()
        retry_and_check(base, market, untouched)


def test_worker_sigkilled_mid_sweep_then_restarted() -> None:
    buyer_org = orgs.organization_create(name="Late Buyer", kind=OrgKind.BUYER, country="US")
    supplier_org = orgs.organization_create(name="Late Supplier", kind=OrgKind.SUPPLIER, country="CN")
    qualify(supplier_org)
    buyer = actor_for_user(
        orgs.member_create(organization=buyer_org, email="b@late.test", password=PASSWORD, role="owner")
    )
    supplier = actor_for_user(
        orgs.member_create(organization=supplier_org, email="s@late.test", password=PASSWORD, role="owner")
    )
    terms = services.OrderTerms(
        title="Late",
        currency="USD",
        incoterm="FOB",
        named_place="Ningbo",
        lines=[services.LineInput("Widget", Decimal("10"), "pcs", 5_000)],
        ship_by_date=clock.today() + timedelta(days=1),
    )
    count = 120
    for _ in range(count):
        order = services.order_create(actor=supplier, counterparty_id=buyer_org.id, terms=terms)
        services.order_confirm(actor=supplier, order_id=order.id)
        services.order_confirm(actor=buyer, order_id=order.id)
        paying.order_pay(actor=buyer, order_id=order.id, method="card", card=CARD, idempotency_key=order.id)
    # The deadline passed two days ago (the worker sweeps by the real clock).
    Order.objects.filter(buyer=buyer_org).update(ship_deadline=clock.today() - timedelta(days=2))
    worker = [sys.executable, "-m", "tradeshield.cli", "worker", "--queue", "protections"]
    try:
        protections_sweep.configure(queueing_lock="fault-first").defer(timestamp=0)
        with process_group(worker) as first:
            wait_for(lambda: ProtectionAction.objects.count() >= 5, 60, "the sweep to start acting")
            kill_group(first)
        done = ProtectionAction.objects.filter(rule="late_compensation").count()
        assert 0 < done < count, "the kill should land in the middle of the sweep"
        assert Transfer.objects.filter(code="compensation").count() == done  # no half-done action
        assert_books_balance()
        protections_sweep.configure(queueing_lock="fault-restart").defer(timestamp=1)
        with process_group(worker):
            wait_for(
                lambda: ProtectionAction.objects.filter(rule="late_compensation").count() == count,
                60,
                "the restarted worker to finish the sweep",
            )
        assert Transfer.objects.filter(code="compensation").count() == count
        assert_books_balance()
    finally:
        end_other_sessions()
