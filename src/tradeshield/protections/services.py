"""Running the rules: the periodic sweep on real time, and advancing a simulation clock.

Each action runs in its own transaction that locks the order with SKIP LOCKED (a second worker moves
on to other orders), re-checks that the order is still due, and records a `ProtectionAction` under
its unique key before acting. A crash rolls the whole step back; the next sweep does it again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction

from tradeshield.clocks import services as clocks
from tradeshield.clocks.models import TestClock
from tradeshield.disputes import deadlines as dispute_deadlines
from tradeshield.kit import clock
from tradeshield.kit.errors import DomainError
from tradeshield.orders.models import Order
from tradeshield.protections.models import ProtectionAction, ProtectionPolicy
from tradeshield.protections.policy import current_policy
from tradeshield.protections.rules import RULES, Rule

MAX_STEPS_PER_ADVANCE = 100_000


@dataclass
class SweepReport:
    acted: Counter[str] = field(default_factory=Counter)
    skipped: int = 0  # locked by another worker, or no longer due

    @property
    def total(self) -> int:
        return sum(self.acted.values())


def fire(rule: Rule, order_id: str, policy: ProtectionPolicy, now: datetime, clock_id: str | None) -> bool:
    """Apply `rule` to one order if it is still due; False if another worker has it or it moved on."""
    with transaction.atomic():
        order = (
            rule.due(policy, now, clock_id)
            .select_for_update(skip_locked=True, of=("self",))
            .filter(pk=order_id)
            .first()
        )
        if order is None:
            return False
        try:
            with transaction.atomic():
                ProtectionAction.objects.create(
                    order=order, rule=rule.name, period=rule.period(order), due_at=rule.due_at(order, policy)
                )
        except IntegrityError:
            return False
        try:
            with transaction.atomic():
                outcome = rule.act(order, policy)
        except DomainError as error:
            # The order is in a state the rule's query should have excluded: recorded for staff to
            # look at, and not retried in a loop.
            outcome = {"error": error.code, "message": error.message}
        ProtectionAction.objects.filter(order=order, rule=rule.name, period=rule.period(order)).update(outcome=outcome)
    return True


def sweep(*, now: datetime | None = None, clock_id: str | None = None, batch: int = 500) -> SweepReport:
    """Act on everything due on one clock (real time when `clock_id` is None)."""
    now = now or clock.now()
    policy = current_policy()
    report = SweepReport()
    for rule in RULES:
        while True:
            due_ids = list(rule.due(policy, now, clock_id).values_list("pk", flat=True)[:batch])
            acted = 0
            for order_id in due_ids:
                if fire(rule, order_id, policy, now, clock_id):
                    report.acted[rule.name] += 1
                    acted += 1
                else:
                    report.skipped += 1
            if len(due_ids) < batch or acted == 0:
                break
    return report


def _next_due(policy: ProtectionPolicy, until: datetime, clock_id: str) -> tuple[datetime, Rule, Order] | None:
    best: tuple[datetime, Rule, Order] | None = None
    for rule in RULES:
        order = rule.due(policy, until, clock_id).first()
        if order is not None:
            due_at = rule.due_at(order, policy)
            if best is None or due_at < best[0]:
                best = (due_at, rule, order)
    return best


@transaction.atomic
def test_clock_advance(*, clock_id: str, to: datetime) -> tuple[TestClock, SweepReport]:
    """Move a simulation clock forward, firing every rule that falls due on the way, in due order,
    each at its own due time (so what it records carries that time)."""
    test_clock = clocks.test_clock_lock(clock_id)
    clocks.test_clock_check_target(test_clock, to)
    policy = current_policy()
    report = SweepReport()
    tried: set[tuple[str, str, str]] = set()
    for _ in range(MAX_STEPS_PER_ADVANCE):
        step = _next_due(policy, to, clock_id)
        deadline = dispute_deadlines.next_due(to, clock_id)
        if deadline is not None and (step is None or deadline[0] < step[0]):
            due_at, row_id = deadline
            moment = max(due_at, test_clock.now_at)
            with clock.simulated_at(moment):
                kind = dispute_deadlines.fire(row_id, moment)
            if kind:
                report.acted[f"dispute_{kind}"] += 1
            elif ("dispute", str(row_id), str(due_at)) in tried:
                break
            else:
                tried.add(("dispute", str(row_id), str(due_at)))
                report.skipped += 1
            test_clock.now_at = moment
            continue
        if step is None:
            break
        due_at, rule, order = step
        key = (rule.name, order.pk, rule.period(order))
        if key in tried:
            break  # could not act on it (see fire); stop rather than spin
        tried.add(key)
        order_id = order.pk
        moment = max(due_at, test_clock.now_at)
        with clock.simulated_at(moment):
            if fire(rule, order_id, policy, moment, clock_id):
                report.acted[rule.name] += 1
            else:
                report.skipped += 1
        test_clock.now_at = moment
    return clocks.test_clock_set(test_clock, to), report
