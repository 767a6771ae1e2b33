"""The order life cycle over HTTP from many concurrent clients (asyncio + httpx, one process).

Each client loops over whole life cycles, one request at a time, as the supplier or the buyer of its
pair: create (supplier) → confirm (supplier) → confirm (buyer) → pay by card (buyer, Idempotency-Key)
→ ship (supplier) → confirm receipt (buyer, Idempotency-Key). The first `warmup` seconds are not
counted; requests count when they start and finish inside the timed window.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bench.http_seed import Pair, Party
from bench.stats import Latency

STEPS = ("create", "confirm_supplier", "confirm_buyer", "pay", "ship", "confirm_receipt")
MONEY_STEPS = ("pay", "confirm_receipt")
VISA = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}


class StepFailed(Exception):
    pass


def order_body(buyer_id: str) -> dict[str, Any]:
    ship_by = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    return {
        "buyer_id": buyer_id,
        "title": "LED panels",
        "currency": "USD",
        "incoterm": "FOB",
        "named_place": "Shenzhen port",
        "ship_by_date": ship_by,
        "lines": [
            {
                "product_name": "LED panel 60x60",
                "specifications": "4000K, 40 W, CE marked",
                "attributes": [{"name": "power", "value": "40", "unit": "W", "tolerance": "±5%"}],
                "quantity": "100",
                "unit": "pcs",
                "unit_price": {"amount": 1250, "currency": "USD"},
            }
        ],
    }


@dataclass
class Recorder:
    start: float
    stop: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: {step: [] for step in STEPS})
    errors: Counter[str] = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    cycles: int = 0
    cycles_all: int = 0
    failed_cycles: int = 0

    def inside(self, began: float, ended: float) -> bool:
        return began >= self.start and ended <= self.stop

    def request(self, step: str, began: float, ended: float) -> None:
        if self.inside(began, ended):
            self.latencies[step].append(ended - began)

    def error(self, step: str, what: str, detail: str) -> None:
        self.errors[f"{step} {what}"] += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(f"{step} {what}: {detail[:300]}")

    def cycle_done(self, ended: float) -> None:
        self.cycles_all += 1
        if self.start <= ended <= self.stop:
            self.cycles += 1


async def _post(
    client: httpx.AsyncClient,
    recorder: Recorder,
    step: str,
    party: Party,
    path: str,
    body: dict[str, Any],
    expect: int,
    idempotent: bool = False,
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {party.token}"}
    if idempotent:
        headers["Idempotency-Key"] = str(uuid.uuid4())
    began = time.perf_counter()
    try:
        response = await client.post(f"/api/v1{path}", json=body, headers=headers)
    except httpx.HTTPError as exc:
        recorder.error(step, type(exc).__name__, str(exc))
        raise StepFailed(step) from exc
    ended = time.perf_counter()
    if response.status_code != expect:
        recorder.error(step, str(response.status_code), response.text)
        raise StepFailed(step)
    recorder.request(step, began, ended)
    data: dict[str, Any] = response.json()
    return data


async def life_cycle(client: httpx.AsyncClient, recorder: Recorder, pair: Pair) -> None:
    buyer, supplier = pair.buyer, pair.supplier
    order = await _post(client, recorder, "create", supplier, "/orders", order_body(buyer.org_id), 201)
    path = f"/orders/{order['id']}"
    await _post(client, recorder, "confirm_supplier", supplier, f"{path}/confirm", {}, 200)
    await _post(client, recorder, "confirm_buyer", buyer, f"{path}/confirm", {"terms_hash": order["terms_hash"]}, 200)
    await _post(client, recorder, "pay", buyer, f"{path}/payments", {"method": "card", "card": VISA}, 201, True)
    shipment = {"carrier": "COSCO", "tracking_number": "COSU123", "mode": "sea"}
    await _post(client, recorder, "ship", supplier, f"{path}/ship", shipment, 200)
    done = await _post(client, recorder, "confirm_receipt", buyer, f"{path}/confirm-receipt", {}, 200, True)
    if done.get("status") != "completed":
        recorder.error("confirm_receipt", "not completed", str(done.get("status")))
        raise StepFailed("confirm_receipt")


async def _client_loop(client: httpx.AsyncClient, recorder: Recorder, pair: Pair) -> None:
    while time.perf_counter() < recorder.stop:
        try:
            await life_cycle(client, recorder, pair)
        except StepFailed:
            recorder.failed_cycles += 1
            await asyncio.sleep(0.05)
            continue
        recorder.cycle_done(time.perf_counter())


async def _ticker(recorder: Recorder, on_tick: Callable[[float, int], None]) -> None:
    while True:
        await asyncio.sleep(0.5)
        on_tick(time.perf_counter() - recorder.start, recorder.cycles)


@dataclass
class HttpResult:
    clients: int
    seconds: float
    warmup_seconds: float
    cycles: int
    failed_cycles: int
    per_step: dict[str, Latency]
    overall: Latency
    money: Latency
    errors: dict[str, int]
    error_samples: list[str]

    @property
    def cycles_per_s(self) -> float:
        return self.cycles / self.seconds

    @property
    def money_requests_per_s(self) -> float:
        return self.money.count / self.seconds

    @property
    def requests_per_s(self) -> float:
        return self.overall.count / self.seconds


async def _window(recorder: Recorder, on_window: Callable[[str], None]) -> None:
    """Tell the caller when the timed window opens and closes (to sample CPU counters)."""
    await asyncio.sleep(max(0.0, recorder.start - time.perf_counter()))
    on_window("start")
    await asyncio.sleep(max(0.0, recorder.stop - time.perf_counter()))
    on_window("stop")


async def _run(
    base_url: str,
    pairs: list[Pair],
    clients: int,
    seconds: float,
    warmup: float,
    on_tick: Callable[[float, int], None],
    on_window: Callable[[str], None],
) -> Recorder:
    start = time.perf_counter() + warmup
    recorder = Recorder(start=start, stop=start + seconds)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        helpers = [asyncio.create_task(_ticker(recorder, on_tick)), asyncio.create_task(_window(recorder, on_window))]
        try:
            await asyncio.gather(*(_client_loop(client, recorder, pairs[i % len(pairs)]) for i in range(clients)))
        finally:
            for helper in helpers:
                helper.cancel()
    return recorder


def run(
    *,
    base_url: str,
    pairs: list[Pair],
    clients: int,
    seconds: float,
    warmup: float,
    on_tick: Callable[[float, int], None],
    on_window: Callable[[str], None] = lambda _: None,
) -> HttpResult:
    recorder = asyncio.run(_run(base_url, pairs, clients, seconds, warmup, on_tick, on_window))
    every = [x for step in STEPS for x in recorder.latencies[step]]
    money = [x for step in MONEY_STEPS for x in recorder.latencies[step]]
    return HttpResult(
        clients=clients,
        seconds=seconds,
        warmup_seconds=warmup,
        cycles=recorder.cycles,
        failed_cycles=recorder.failed_cycles,
        per_step={step: Latency.of_seconds(recorder.latencies[step]) for step in STEPS},
        overall=Latency.of_seconds(every),
        money=Latency.of_seconds(money),
        errors=dict(recorder.errors),
        error_samples=recorder.error_samples,
    )
