"""Risk decision latency with many historical payments (issue 7).

`BENCH_RISK_PAYMENTS` payments (default 1,000,000) are generated in SQL (INSERT … SELECT
generate_series, in chunks) for `BENCH_RISK_PAYMENTS / 100` buyers (at least 1,000) over the last 90
days, 3 % of them failed, each with the screening row risk monitoring would have written (card
fingerprint: one of 5 cards per buyer; IP: one of 50,000; device: one of 3 per buyer). Then
`BENCH_RISK_DECISIONS` decisions for random buyers, cards, IPs and devices are timed two ways:
the decision itself (`risk.signals.compute` — one SQL statement for every signal, the rules, the
thresholds and the account's state — plus scoring the rules in Python), and the whole `screen()`
call (the decision and the insert of its assessment, in a transaction rolled back).
Target: p99 of the decision under 5 ms.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable
from typing import Any

from bench.sqlgen import insert_select
from bench.stats import percentile

CHUNK = 250_000
IPS = 50_000

_BUYER = {
    "id": "'org_brsk' || lpad(g.n::text, 10, '0')",
    "name": "'Bench Risk Buyer ' || g.n",
    "kind": "'buyer'",
    "country": "(ARRAY['US','DE','GB','FR','BR','CN','AE','JP'])[mod(g.n, 8) + 1]",
    "languages": "'[\"en\"]'::jsonb",
    "default_currency": "'USD'",
    "test_clock_id": "NULL",
    "created_at": "now() - (30 + mod(g.n, 2000)) * interval '1 day'",
    "updated_at": "now()",
}
# Payment g.n belongs to buyer mod(g.n * 7919, buyers) + 1: uneven, like real buyers.
_BUYER_OF = "'org_brsk' || lpad((mod(g.n::bigint * 7919, %(buyers)s) + 1)::text, 10, '0')"
_WHEN = "now() - (mod(g.n::bigint * 104729, 90 * 86400)) * interval '1 second'"
_PAYMENT = {
    "id": "'pay_brsk' || lpad(g.n::text, 11, '0')",
    "order_id": "'ord_brsk' || lpad(g.n::text, 11, '0')",
    "milestone_id": "'ms_brsk' || lpad(g.n::text, 11, '0')",
    "buyer_id": _BUYER_OF,
    "supplier_id": "%(supplier)s",
    "method": "'card'",
    "provider": "'sandbox_card'",
    "status": "CASE WHEN mod(g.n, 33) = 0 THEN 'failed' WHEN mod(g.n, 3) = 0 THEN 'held' ELSE 'released' END",
    "currency": "'USD'",
    "amount": "1000 + mod(g.n::bigint * 2654435761, 5000000)",
    "card_country": "''",
    "created_at": _WHEN,
    "updated_at": _WHEN,
}
_ASSESSMENT = {
    "id": "'rsk_brsk' || lpad(g.n::text, 11, '0')",
    "kind": "'payment'",
    "organization_id": _BUYER_OF,
    "user_id": "'usr_brsk' || (mod(g.n::bigint * 7919, %(buyers)s) + 1)",
    "reference": "'ord_brsk' || lpad(g.n::text, 11, '0')",
    "currency": "'USD'",
    "amount": "1000 + mod(g.n::bigint * 2654435761, 5000000)",
    "card_fingerprint": "md5('card' || (mod(g.n::bigint * 7919, %(buyers)s) * 5 + mod(g.n, 5)))",
    "ip": "'10.' || mod(g.n, 200) || '.' || mod(g.n / 200, 250) || '.' || mod(g.n, %(ips)s) / 1000",
    "ip_country": "''",
    "device": "md5('dev' || (mod(g.n::bigint * 7919, %(buyers)s) * 3 + mod(g.n, 3)))",
    "score": "10",
    "outcome": "'allow'",
    "signals": "'{}'::jsonb",
    "matched": "'[]'::jsonb",
    "created_at": _WHEN,
}


def buyers_for(payments: int) -> int:
    return max(1_000, payments // 100)


def generate(payments: int, step: Callable[[int], None]) -> dict[str, Any]:
    from django.db import connection, transaction

    from tradeshield.organizations import services as orgs
    from tradeshield.organizations.models import Organization, OrgKind
    from tradeshield.payments.models import Payment
    from tradeshield.risk.models import Assessment

    started = time.monotonic()
    buyers = buyers_for(payments)
    supplier = orgs.organization_create(name="Risk bench supplier", kind=OrgKind.SUPPLIER, country="CN")
    series = "generate_series(%(lo)s, %(hi)s) AS g(n)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert_select(Organization, _BUYER, series), {"lo": 1, "hi": buyers})
    payment_sql = insert_select(Payment, _PAYMENT, series)
    assessment_sql = insert_select(Assessment, _ASSESSMENT, series)
    for lo in range(1, payments + 1, CHUNK):
        hi = min(payments, lo + CHUNK - 1)
        params = {"lo": lo, "hi": hi, "buyers": buyers, "supplier": supplier.id, "ips": IPS}
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(payment_sql, params)
            cursor.execute(assessment_sql, params)
        step(hi)
    with connection.cursor() as cursor:
        for table in ("organization", "payment", "risk_assessment"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return {"buyers": buyers, "generate_s": round(time.monotonic() - started, 1)}


def _facts(rng: random.Random, buyers: int) -> Any:
    from tradeshield.risk.signals import Facts

    b = rng.randint(1, buyers)
    return Facts(
        kind="payment",
        organization_id=f"org_brsk{b:010d}",
        user_id=f"usr_brsk{b}",
        currency="USD",
        amount=rng.randint(1000, 20_000_000),
        card_fingerprint=f"{rng.getrandbits(128):032x}" if rng.random() < 0.3 else "",
        card_country=rng.choice(("", "US", "DE", "NG")),
        ip=f"10.{rng.randint(0, 199)}.{rng.randint(0, 249)}.{rng.randint(0, 49)}",
        ip_country=rng.choice(("", "US", "RU")),
        device=f"{rng.getrandbits(128):032x}",
        reference=f"ord_x{rng.randint(1, 10**9)}",
    )


def decision_latencies_ms(decisions: int, buyers: int, seed: int = 7) -> list[float]:
    """The decision itself: every signal in one statement, then the rules scored."""
    from tradeshield.kit import clock
    from tradeshield.risk import services
    from tradeshield.risk.signals import compute

    rng = random.Random(seed)
    latencies = []
    for _ in range(decisions):
        facts = _facts(rng, buyers)
        started = time.perf_counter()
        snap = compute(facts, clock.now())
        total, _matched = services.score(snap.rules, snap.values)
        services.outcome_for(total, snap.thresholds)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def screen_latencies_ms(decisions: int, buyers: int, seed: int = 11) -> list[float]:
    """The whole `screen()` call (decision + assessment insert), each in a rolled-back transaction."""
    from django.db import transaction

    from tradeshield.risk import services
    from tradeshield.risk.errors import RiskRefused

    rng = random.Random(seed)
    latencies = []
    for _ in range(decisions):
        facts = _facts(rng, buyers)
        with transaction.atomic():
            started = time.perf_counter()
            with contextlib.suppress(RiskRefused):
                services.screen(
                    kind="payment",
                    actor=None,
                    organization_id=facts.organization_id,
                    reference=facts.reference,
                    currency="USD",
                    amount=facts.amount,
                    card_fingerprint=facts.card_fingerprint,
                    card_country=facts.card_country,
                )
            latencies.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    return latencies


def explain(buyers: int) -> str:
    from django.db import connection

    from tradeshield.kit import clock
    from tradeshield.risk.signals import FUNDED, SQL

    facts = _facts(random.Random(3), buyers)
    params = {
        "org": facts.organization_id,
        "kind": "payment",
        "now": clock.now(),
        "card": facts.card_fingerprint or "x",
        "ip": facts.ip,
        "device": facts.device,
        "user": facts.user_id,
        "currency": "USD",
        "funded": list(FUNDED),
        "ref": facts.reference,
        "amount": facts.amount,
    }
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + SQL, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def p(values: list[float], q: float) -> float:
    return percentile(values, q)
