"""A simulated market on a simulation clock: buyers order, suppliers ship late or never, buyers go
silent, and the protection rules do the rest. Everything goes through the real services and ledger.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from tradeshield.clocks.services import test_clock_create
from tradeshield.kit import clock
from tradeshield.kit.errors import DomainError
from tradeshield.kit.money import format_amount
from tradeshield.ledger.models import Account, AccountKind, Transfer
from tradeshield.ledger.selectors import ledger_check
from tradeshield.orders import paying, services
from tradeshield.orders.models import Order
from tradeshield.organizations import services as orgs
from tradeshield.organizations.actors import Actor, actor_for_user
from tradeshield.organizations.models import OrgKind
from tradeshield.protections.services import test_clock_advance
from tradeshield.shipments import services as shipping
from tradeshield.suppliers.fixtures import qualify

CURRENCIES = [("USD", "US", 1_000), ("EUR", "DE", 900), ("JPY", "JP", 150), ("KWD", "KW", 310)]


def _card() -> dict[str, Any]:
    return {"number": "4242424242424242", "exp_month": 12, "exp_year": clock.today().year + 3, "cvc": "123"}


@dataclass(frozen=True)
class MarketParams:
    buyers: int = 10
    suppliers: int = 5
    orders: int = 60
    days: int = 120
    late_share: float = 0.2  # suppliers who ship after the deadline
    never_share: float = 0.05  # suppliers who never ship
    silent_share: float = 0.3  # buyers who never confirm receipt
    unpaid_share: float = 0.1  # buyers who never pay
    seed: int = 7


@dataclass
class Plan:
    order_id: str
    buyer: Actor
    supplier: Actor
    pays_on: int
    ships_on: int | None
    confirms_after: int | None


@dataclass
class Report:
    clock_id: str = ""
    orders_by_outcome: Counter[str] = field(default_factory=Counter)
    amounts_by_outcome: dict[str, dict[str, int]] = field(default_factory=dict)
    rule_actions: Counter[str] = field(default_factory=Counter)
    refused_actions: Counter[str] = field(default_factory=Counter)
    compensation_paid: dict[str, int] = field(default_factory=dict)
    in_escrow: dict[str, int] = field(default_factory=dict)
    ledger: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ledger_balanced(self) -> bool:
        return all(c["posted_sum"] == 0 and c["pending_sum"] == 0 and c["matches_transfers"] for c in self.ledger)

    def as_dict(self) -> dict[str, Any]:
        return {
            "clock_id": self.clock_id,
            "orders_by_outcome": dict(self.orders_by_outcome),
            "amounts_by_outcome": self.amounts_by_outcome,
            "rule_actions": dict(self.rule_actions),
            "refused_actions": dict(self.refused_actions),
            "compensation_paid": self.compensation_paid,
            "in_escrow": self.in_escrow,
            "ledger": self.ledger,
            "ledger_balanced": self.ledger_balanced,
        }

    def lines(self) -> list[str]:
        fmt = lambda amounts: ", ".join(format_amount(a, c) for c, a in sorted(amounts.items())) or "-"  # noqa: E731
        return [
            f"{outcome}: {count} orders ({fmt(self.amounts_by_outcome.get(outcome, {}))})"
            for outcome, count in sorted(self.orders_by_outcome.items())
        ] + [
            f"compensation paid: {fmt(self.compensation_paid)}",
            f"in escrow: {fmt(self.in_escrow)}",
            f"rules fired: {dict(self.rule_actions)}",
            f"participant actions refused: {dict(self.refused_actions) or 'none'}",
            f"ledger balanced: {self.ledger_balanced}",
        ]


def _parties(params: MarketParams, clock_id: str, rng: random.Random) -> tuple[list[Actor], list[Actor]]:
    from tradeshield.clocks.models import TestClock

    test_clock = TestClock.objects.get(pk=clock_id)
    made: dict[str, list[Actor]] = {"buyer": [], "supplier": []}
    for kind, count in (("buyer", params.buyers), ("supplier", params.suppliers)):
        for n in range(count):
            currency, country, _ = CURRENCIES[n % len(CURRENCIES)] if kind == "buyer" else ("USD", "CN", 0)
            org = orgs.organization_create(
                name=f"Sim {kind} {n + 1}", kind=OrgKind(kind), country=country, default_currency=currency
            )
            org.test_clock = test_clock
            org.save(update_fields=["test_clock"])
            if kind == "supplier":
                qualify(org)
            user = orgs.member_create(
                organization=org,
                email=f"{kind}{n + 1}.{clock_id.lower()}@sim.example",
                password=f"sim-{rng.random()}",
                role="owner",
            )
            made[kind].append(actor_for_user(user))
    return made["buyer"], made["supplier"]


def _place(params: MarketParams, day: int, buyers: list[Actor], suppliers: list[Actor], rng: random.Random) -> Plan:
    buyer, supplier = rng.choice(buyers), rng.choice(suppliers)
    assert buyer.organization is not None
    currency, _, unit = next(c for c in CURRENCIES if c[0] == buyer.organization.default_currency)
    lead = rng.randint(10, 30)
    terms = services.OrderTerms(
        title=f"Sim order day {day}",
        currency=currency,
        incoterm=rng.choice(["FOB", "CIF", "EXW", "DAP"]),
        named_place="Simulated port",
        ship_by_date=clock.today() + timedelta(days=lead),
        lines=[services.LineInput("Widget", Decimal(rng.randint(10, 500)), "pcs", unit * rng.randint(1, 40))],
    )
    order = services.order_create(actor=supplier, counterparty_id=buyer.organization.id, terms=terms)
    services.order_confirm(actor=supplier, order_id=order.id)
    services.order_confirm(actor=buyer, order_id=order.id)
    roll = rng.random()
    ships_on: int | None = day + rng.randint(1, lead)
    if roll < params.never_share:
        ships_on = None
    elif roll < params.never_share + params.late_share:
        ships_on = day + lead + rng.randint(3, 20)
    silent = rng.random() < params.silent_share
    pays_on = day + rng.randint(0, 3) if rng.random() >= params.unpaid_share else 10**6
    return Plan(order.id, buyer, supplier, pays_on, ships_on, None if silent else rng.randint(2, 10))


def _act(plan: Plan, day: int, refused: Counter[str]) -> None:
    order = Order.objects.get(pk=plan.order_id)
    try:
        if order.status == "awaiting_payment" and day >= plan.pays_on:
            paying.order_pay(actor=plan.buyer, order_id=order.id, method="card", card=_card())
        elif order.status == "paid" and plan.ships_on is not None and day >= plan.ships_on:
            shipping.order_ship(actor=plan.supplier, order_id=order.id, carrier="SimLine", tracking_number=order.id)
        elif (
            order.status == "shipped"
            and plan.confirms_after is not None
            and order.shipped_at
            and (clock.now() - order.shipped_at).days >= plan.confirms_after
        ):
            paying.order_confirm_receipt(actor=plan.buyer, order_id=order.id)
    except DomainError as error:
        refused[error.code] += 1  # e.g. an order the platform cancelled a moment ago: the market moves on


def run_market(params: MarketParams, progress: Callable[[int, int], None] | None = None) -> Report:
    rng = random.Random(params.seed)
    start = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    test_clock = test_clock_create(name=f"simulation seed {params.seed}", start_at=start)
    report = Report(clock_id=test_clock.id)
    with clock.simulated_at(start):
        buyers, suppliers = _parties(params, test_clock.id, rng)
    plans: list[Plan] = []
    per_day = max(1, params.orders // max(1, params.days // 3))
    for day in range(params.days):
        now = start + timedelta(days=day)
        with clock.simulated_at(now):
            while len(plans) < params.orders and len(plans) < per_day * (day + 1):
                plans.append(_place(params, day, buyers, suppliers, rng))
            for plan in plans:
                _act(plan, day, report.refused_actions)
        _, swept = test_clock_advance(clock_id=test_clock.id, to=now + timedelta(days=1))
        report.rule_actions.update(swept.acted)
        if progress:
            progress(day + 1, params.days)
    _summarise(report, [p.order_id for p in plans])
    return report


def _summarise(report: Report, order_ids: list[str]) -> None:
    for order in Order.objects.filter(pk__in=order_ids):
        report.orders_by_outcome[order.status] += 1
        amounts = report.amounts_by_outcome.setdefault(order.status, {})
        amounts[order.currency] = amounts.get(order.currency, 0) + order.total_amount
    compensations = Transfer.objects.filter(code="compensation", ref__in=order_ids)
    paid = compensations.values("currency").annotate(total=Sum("amount"))
    report.compensation_paid = {row["currency"]: int(row["total"]) for row in paid}
    for account in Account.objects.filter(kind=AccountKind.ESCROW, owner_ref__in=order_ids):
        report.in_escrow[account.currency] = report.in_escrow.get(account.currency, 0) + account.balance
    report.ledger = [
        {
            "currency": t.currency,
            "posted_sum": t.posted_sum,
            "pending_sum": t.pending_sum,
            "matches_transfers": t.recomputed_matches,
        }
        for t in ledger_check()
    ]
