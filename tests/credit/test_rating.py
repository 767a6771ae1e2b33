"""The credit rating from crafted records: points per factor, grade, coverage limit, history, events."""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from tests.credit.support import at, make_inspection, make_order, make_supplier, months_ago
from tradeshield.credit import rating, services, tasks
from tradeshield.credit.models import CreditRating, CreditStanding
from tradeshield.kit import clock
from tradeshield.orders.services import record_event
from tradeshield.organizations import services as orgs
from tradeshield.organizations.models import Organization, OrgKind

pytestmark = pytest.mark.django_db

AVAILABLE = sum(f.weight for f in rating.FACTORS if f.available)


@pytest.fixture
def buyer_org():
    return orgs.organization_create(name="Crafted Buyer", kind=OrgKind.BUYER, country="US")


@pytest.fixture
def agency_org():
    return orgs.organization_create(name="Crafted Agency", kind=OrgKind.INSPECTION_AGENCY, country="CN")


def factor(row: CreditRating, key: str) -> dict:
    return next(f for f in row.factors if f["key"] == key)


def test_crafted_records_give_the_expected_points_per_factor(buyer_org, agency_org):
    supplier = make_supplier(created_at=months_ago(24))
    today = clock.today()
    deadline = today - timedelta(days=20)
    old = clock.now() - timedelta(days=300)
    # Completed: 3 FOB orders shipped on the deadline day (two of them completed recently), one DDP
    # order in EUR (92,000 EUR = 100,000 USD at the reference rate) delivered two days late.
    for updated in (clock.now(), clock.now(), old):
        make_order(
            buyer_org, supplier, amount=10_000_000, deadline=deadline, shipped_at=at(deadline, 23), updated_at=updated
        )
    late = make_order(
        buyer_org,
        supplier,
        amount=9_200_000,
        currency="EUR",
        incoterm="DDP",
        deadline=deadline,
        shipped_at=at(deadline - timedelta(days=5)),
        delivered_at=at(deadline + timedelta(days=2)),
        updated_at=old,
    )
    refunded = make_order(buyer_org, supplier, status="refunded", amount=1_000)  # no deadline reached
    make_order(buyer_org, supplier, status="draft", amount=5_000_000)  # drafts never count
    make_order(buyer_org, supplier, status="cancelled", amount=5_000_000)
    # First inspections: one passed, one failed; a re-inspection is not counted.
    make_inspection(late, agency_org, passed=False)
    make_inspection(refunded, agency_org, passed=True)
    make_inspection(late, agency_org, passed=True, reinspection=True)

    result = services.rating_refresh(supplier_ids=[supplier.id])
    assert (result.rated, result.changed) == (1, 1)
    row = CreditRating.objects.get(supplier=supplier)

    expected = {
        "orders": 8 * math.log(1 + 4) / math.log(101),
        "volume": 7 * math.log10(1 + 400_000) / 6,
        "on_time": 12 * (3 + 5 * 0.9) / (4 + 5),  # 3 of 4 on time, smoothed toward 90 %
        "refunds": 8 * (1 - 4 * (1 + 5 * 0.05) / (5 + 5)),  # 1 of 5 closed orders refunded
        "inspections": 7 * (1 + 5 * 0.8) / (2 + 5),  # 1 of 2 first inspections passed
        "tenure": 5 * 24 / 60,
    }
    for key, points in expected.items():
        item = factor(row, key)
        assert item["available"] is True
        assert item["weight"] == rating.FACTOR_BY_KEY[key].weight
        assert float(item["points"]) == pytest.approx(points * 100 / AVAILABLE, abs=0.01), key
    assert factor(row, "orders")["raw"] == {"completed": 4}
    assert factor(row, "volume")["raw"] == {"usd": 400_000}
    assert factor(row, "on_time")["raw"] == {"on_time": 3, "measured": 4, "rate": 0.75}
    assert factor(row, "refunds")["raw"] == {"refunded": 1, "closed": 5, "rate": 0.2}
    assert factor(row, "inspections")["raw"] == {"passed": 1, "inspected": 2, "rate": 0.5}
    assert factor(row, "tenure")["raw"] == {"months": 24}
    for key in ("disputes", "disputes_lost"):  # the disputes app does not exist yet
        assert factor(row, key) == {
            "key": key,
            "available": False,
            "weight": rating.FACTOR_BY_KEY[key].weight,
            "share": 0,
            "raw": None,
            "points": 0,
        }

    score = round(100 * sum(expected.values()) / AVAILABLE)
    assert row.score == score == 65
    assert row.grade == rating.grade_of(score) == "BBB"
    assert sum(Decimal(str(f["points"])) for f in row.factors) == pytest.approx(Decimal(score), abs=Decimal("0.5"))

    # Coverage: base USD 50,000 + half of the last 6 months' completed volume (USD 200,000).
    assert row.coverage_limit_usd == 15_000_000
    assert Organization.objects.get(pk=supplier.pk).coverage_limit_usd == 15_000_000
    standing = CreditStanding.objects.get(supplier=supplier)
    assert (standing.score, standing.grade, standing.grade_rank) == (65, "BBB", 4)
    assert standing.inspected_pass_rate == Decimal("0.5000") and standing.inspected_orders == 2


def test_a_newcomer_starts_at_the_priors_and_others_are_not_touched_by_a_scoped_refresh(buyer_org):
    newcomer, other = make_supplier(), make_supplier()
    services.rating_refresh(supplier_ids=[newcomer.id])
    row = CreditRating.objects.get(supplier=newcomer)
    expected = 12 * 0.9 + 8 * (1 - 4 * 0.05) + 7 * 0.8  # on-time, refunds, inspections at their priors
    assert row.score == round(100 * expected / AVAILABLE)
    assert not CreditRating.objects.filter(supplier=other).exists()
    assert row.coverage_limit_usd == 5_000_000


def test_grade_bands_cover_every_score():
    assert [rating.grade_of(s) for s in (100, 90, 89, 80, 70, 60, 50, 40, 39, 0)] == [
        "AAA",
        "AAA",
        "AA",
        "AA",
        "A",
        "BBB",
        "BB",
        "B",
        "C",
        "C",
    ]


def test_bayesian_average_ranks_three_hundred_good_reviews_above_three_perfect_ones():
    few_perfect = rating.bayesian_average(Decimal(3 * 5), 3)
    many_good = rating.bayesian_average(Decimal("4.8") * 300, 300)
    assert many_good > few_perfect
    assert few_perfect == pytest.approx(Decimal("4.2308"), abs=Decimal("0.0001"))  # (10·4 + 15) / 13
    assert many_good == pytest.approx(Decimal("4.7742"), abs=Decimal("0.0001"))  # (10·4 + 1440) / 310
    assert rating.bayesian_average(Decimal(0), 0) == rating.REVIEW_PRIOR_MEAN  # no reviews: the prior


def test_coverage_limit_formula():
    cov = rating.coverage_limit_usd
    assert cov(approved=False, verified=False, recent_volume_usd=Decimal(0)) == 5_000_000
    assert cov(approved=True, verified=False, recent_volume_usd=Decimal(0)) == 7_500_000
    assert cov(approved=True, verified=True, recent_volume_usd=Decimal("200_999")) == 20_000_000  # floor to 1,000
    assert cov(approved=True, verified=True, recent_volume_usd=Decimal(10_000_000)) == 100_000_000  # the cap


def test_refresh_is_idempotent_and_history_grows_only_on_change(buyer_org):
    supplier = make_supplier()
    first = services.rating_refresh(cause="nightly")
    assert first.changed >= 1
    again = services.rating_refresh(cause="nightly")
    assert again.changed == 0 and again.rated == first.rated
    assert CreditRating.objects.filter(supplier=supplier).count() == 1
    before = CreditStanding.objects.get(supplier=supplier)

    make_order(buyer_org, supplier, amount=50_000_000)
    changed = services.rating_refresh(supplier_ids=[supplier.id], cause="event")
    assert changed.changed == 1
    history = list(CreditRating.objects.filter(supplier=supplier).order_by("computed_at", "id"))
    assert len(history) == 2 and history[1].score > history[0].score and history[1].cause == "event"
    after = CreditStanding.objects.get(supplier=supplier)
    assert after.rating_id == history[1].id != before.rating_id


def _credit_jobs(supplier_id: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, queueing_lock, queue_name, scheduled_at FROM procrastinate_jobs "
            "WHERE task_name = 'credit.refresh_supplier' AND args->>'supplier_id' = %s",
            [supplier_id],
        )
        return cursor.fetchall()


def test_relevant_order_events_defer_one_debounced_refresh_per_supplier(buyer_org):
    supplier, other = make_supplier(), make_supplier()
    order = make_order(buyer_org, supplier)
    record_event(order, "order.terms_edited", None)  # not relevant to the rating
    assert _credit_jobs(supplier.id) == []
    record_event(order, "order.completed", None)
    record_event(order, "order.partially_refunded", None)
    jobs = _credit_jobs(supplier.id)
    assert len(jobs) == 1  # the second event was absorbed by the waiting job
    status, lock, queue, scheduled_at = jobs[0]
    assert (status, lock, queue) == ("todo", f"credit_refresh:{supplier.id}", "credit")
    assert scheduled_at > clock.now() + timedelta(seconds=30)
    assert _credit_jobs(other.id) == []

    # The job itself: rates the one supplier, and running it twice changes nothing the second time.
    assert tasks.refresh_supplier(supplier_id=supplier.id) == 1
    assert tasks.refresh_supplier(supplier_id=supplier.id) == 0
    assert CreditRating.objects.filter(supplier=supplier).count() == 1
    assert not CreditRating.objects.filter(supplier=other).exists()


def test_the_nightly_task_is_periodic_and_rates_everyone():
    suppliers = [make_supplier() for _ in range(3)]
    assert tasks.refresh_all(timestamp=0) == 3
    assert CreditStanding.objects.filter(supplier__in=suppliers).count() == 3
    from procrastinate.contrib.django import app

    periodic = {p.periodic_id: p.cron for p in app.periodic_registry.periodic_tasks.values()}
    assert periodic["credit_nightly"] == "30 2 * * *"
