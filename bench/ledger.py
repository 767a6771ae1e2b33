"""Escrow ledger throughput through the Python services: holds (pending) and their releases (post)
from many connections at once, one pair per transaction (`transfer_create` + `transfer_post`), or
`batch` pairs per transaction in one round trip (`transfers_apply`), as TigerBeetle batches.

Each connection is a thread with its own Django connection; the threads are spread over a few
processes (spawned, Django set up in each) so that Python itself is not held to one core by the GIL.
Every thread holds from its own escrow account, funded once beforehand, to its own supplier account,
like orders of different suppliers: no row is shared between threads while timing.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.sharedctypes import SynchronizedArray
from typing import Any

from bench import cpu
from bench.stats import Latency

CURRENCY = "USD"
FUNDING = 10**15  # enough for any run: each pair moves AMOUNT out of the escrow account
AMOUNT = 100


@dataclass
class LedgerResult:
    pairs: int
    seconds: float
    latency: Latency
    errors: int
    connections: int
    processes: int
    batch: int = 1  # pairs per transaction; latencies are per transaction
    error_samples: list[str] = field(default_factory=list)
    python_cpu_s: float | None = None  # the benchmark processes' CPU over the window
    db_cpu_s: float | None = None  # the PostgreSQL backends' CPU over the window (local server only)

    @property
    def transactions(self) -> int:
        return self.pairs // self.batch

    @property
    def pairs_per_s(self) -> float:
        return self.pairs / self.seconds if self.seconds else 0.0


def escrow_ref(tag: str) -> str:
    return f"bench-{tag}"


def supplier_ref(tag: str) -> str:
    return f"bench-sup-{tag}"


def fund_accounts(tag: str) -> None:
    """The escrow and supplier accounts of one connection; the escrow account funded once."""
    from django.db import transaction

    from tradeshield.ledger import services as ledger
    from tradeshield.ledger.models import AccountKind

    with transaction.atomic():
        funding = ledger.account_ensure(kind=AccountKind.BUYER_FUNDING, currency=CURRENCY)
        escrow = ledger.account_ensure(kind=AccountKind.ESCROW, currency=CURRENCY, owner_ref=escrow_ref(tag))
        ledger.account_ensure(kind=AccountKind.SUPPLIER_AVAILABLE, currency=CURRENCY, owner_ref=supplier_ref(tag))
        ledger.transfer_create(id=f"bench:{tag}:fund", debit=funding, credit=escrow, amount=FUNDING, code="bench_fund")


def hold_and_release(tag: str, n: int, batch: int = 1) -> None:
    """What escrow does to hold a payment for a supplier and release it: one pair per transaction, or
    `batch` pairs in one transaction and one round trip."""
    from django.db import transaction

    from tradeshield.ledger import services as ledger
    from tradeshield.ledger.models import AccountKind

    with transaction.atomic():
        escrow = ledger.account_ensure(kind=AccountKind.ESCROW, currency=CURRENCY, owner_ref=escrow_ref(tag))
        supplier = ledger.account_ensure(
            kind=AccountKind.SUPPLIER_AVAILABLE, currency=CURRENCY, owner_ref=supplier_ref(tag)
        )
        if batch == 1:
            hold = ledger.transfer_create(
                id=f"bench:{tag}:{n}:hold",
                debit=escrow,
                credit=supplier,
                amount=AMOUNT,
                code="bench_hold",
                pending=True,
            )
            ledger.transfer_post(id=f"bench:{tag}:{n}:release", pending_id=hold.id, code="bench_release")
            return
        movements = []
        for i in range(batch):
            hold_id = f"bench:{tag}:{n}.{i}:hold"
            movements.append(
                ledger.pending(id=hold_id, debit=escrow, credit=supplier, amount=AMOUNT, code="bench_hold")
            )
            movements.append(ledger.post(id=f"bench:{tag}:{n}.{i}:release", pending_id=hold_id, code="bench_release"))
        ledger.transfers_apply(movements)


@dataclass
class _ThreadOutcome:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)


def _thread(
    tag: str,
    go: threading.Event,
    window: list[float],
    outcome: _ThreadOutcome,
    bump: Callable[[int], None],
    sampled: Any,
    batch: int,
) -> None:
    from django.db import connection

    try:
        go.wait()
        start, stop = window
        n = 0
        while (begin := time.time()) < stop:
            n += 1
            t0 = time.perf_counter()
            try:
                hold_and_release(tag, n, batch)
            except Exception as exc:  # counted and shown, never hidden
                outcome.errors += 1
                if len(outcome.error_samples) < 3:
                    outcome.error_samples.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - t0
            if begin >= start and begin + elapsed <= stop:
                outcome.latencies.append(elapsed)
                bump(batch)
        sampled.wait(timeout=60)  # keep the backend until its CPU time has been read
    finally:
        connection.close()


def _process(
    index: int,
    threads: int,
    ready: Any,
    go: Any,
    sampled: Any,
    window: Any,
    counts: SynchronizedArray[int],
    results: Any,
    batch: int,
) -> None:
    """One spawned process: Django set up, `threads` connections, then the timed loop."""
    try:
        import django

        django.setup()
        from django.db import connection

        tags = [f"p{index}t{t}" for t in range(threads)]
        for tag in tags:
            fund_accounts(tag)
        connection.close()
        lock = threading.Lock()

        def bump(pairs: int) -> None:
            with lock:
                counts[index] += pairs

        local_go = threading.Event()
        bounds: list[float] = [0.0, 0.0]
        outcomes = [_ThreadOutcome() for _ in tags]
        workers = [
            threading.Thread(target=_thread, args=(tag, local_go, bounds, outcome, bump, sampled, batch), daemon=True)
            for tag, outcome in zip(tags, outcomes, strict=True)
        ]
        for worker in workers:
            worker.start()
        ready.put(index)
        go.wait()
        bounds[:] = [window[0], window[1]]
        local_go.set()
        for worker in workers:
            worker.join()
        latencies = [x for o in outcomes for x in o.latencies]
        samples = [s for o in outcomes for s in o.error_samples][:3]
        results.put((index, latencies, sum(o.errors for o in outcomes), samples))
    except Exception:
        results.put((index, [], -1, [traceback.format_exc()]))
        ready.put(index)


def setup_sql_accounts(clients: int) -> None:
    """Accounts for the SQL-only path (bench/ledger_sql.py): one pair per pgbench client."""
    from django.db import connection

    for client in range(clients):
        fund_accounts(f"sql{client}")
    connection.close()


def run(
    *,
    database_url: str,
    connections: int,
    processes: int,
    seconds: float,
    batch: int = 1,
    on_tick: Callable[[float, int], None] | None = None,
) -> LedgerResult:
    """Time `seconds` of hold+release pairs over `connections` connections in `processes` processes,
    `batch` pairs per transaction."""
    ctx = mp.get_context("spawn")
    per_process = [connections // processes + (1 if i < connections % processes else 0) for i in range(processes)]
    ready, results = ctx.Queue(), ctx.Queue()
    go, sampled = ctx.Event(), ctx.Event()
    window = ctx.Array("d", 2)
    counts = ctx.Array("q", processes)
    procs = [
        ctx.Process(target=_process, args=(i, n, ready, go, sampled, window, counts, results, batch), daemon=True)
        for i, n in enumerate(per_process)
    ]
    for proc in procs:
        proc.start()
    try:
        for _ in procs:
            ready.get(timeout=120)
        python_cpu = cpu.Group(find=lambda: [proc.pid for proc in procs if proc.pid])
        db_cpu = cpu.Group(find=lambda: cpu.backend_pids(database_url))
        start = time.time() + 0.5
        window[0], window[1] = start, start + seconds
        go.set()
        time.sleep(max(0.0, start - time.time()))
        python_cpu.begin()
        db_cpu.begin()
        while time.time() < start + seconds:
            time.sleep(min(0.25, max(0.0, start + seconds - time.time())))
            if on_tick:
                on_tick(max(0.0, time.time() - start), sum(counts[:]))
        python_cpu.end()
        db_cpu.end()
        sampled.set()
        gathered = [results.get(timeout=120) for _ in procs]
    finally:
        sampled.set()
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.terminate()
    failures = [samples[0] for _, _, errors, samples in gathered if errors < 0]
    if failures:
        raise RuntimeError("a ledger benchmark process failed:\n" + failures[0])
    latencies = [x for _, lat, _, _ in gathered for x in lat]
    return LedgerResult(
        pairs=len(latencies) * batch,
        seconds=seconds,
        latency=Latency.of_seconds(latencies),
        errors=sum(errors for _, _, errors, _ in gathered),
        connections=connections,
        processes=processes,
        batch=batch,
        error_samples=[s for _, _, _, samples in gathered for s in samples][:3],
        python_cpu_s=python_cpu.seconds,
        db_cpu_s=db_cpu.seconds,
    )
