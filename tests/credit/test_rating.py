"""The credit rating from crafted records: points per factor, grade, coverage limit, history, events."""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from tests.credit.support import (
    at,
    inquiry,
    make_dispute,
    make_inspection,
    make_order,
    make_supplier,
    months_ago,
    org_actor,
    qualify_with_certifications,
    review,
    verify_on_site,
)
from tradeshield.accounts.models import StaffRole, User
from tradeshield.credit import rating, services, tasks
from tradeshield.credit.models import CreditRating, CreditStanding
from tradeshield.kit import clock
from tradeshield.messaging import services as messaging_services
from tradeshield.messaging.selectors import response_metrics
from tradeshield.orders.services import record_event
from tradeshield.organizations import services as orgs
from tradeshield.organizations.actors import actor_for_user
from tradeshield.organizations.models import Organization, OrgKind
from tradeshield.reviews import services as review_services
from tradeshield.reviews.selectors import review_stats
from tradeshield.suppliers.selectors import supplier_trust_facts

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


@pytest.fixture
def media(settings, tmp_path):
    settings.TRADESHIELD_MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def moderator():
    user = User.objects.create_user("moderator@tradeshield.test", None, staff_role=StaffRole.SUPPORT_AGENT)
    return actor_for_user(user)


def test_crafted_records_give_the_expected_points_per_factor(buyer_org, agency_org, media, moderator):
    supplier = make_supplier(created_at=months_ago(24))
    today = clock.today()
    deadline = today - timedelta(days=20)
    old = clock.now() - timedelta(days=300)
    # Completed: 3 FOB orders shipped on the deadline day (two of them completed recently), one DDP
    # order in EUR (92,000 EUR = 100,000 USD at the reference rate) delivered two days late.
    fob = [
        make_order(
            buyer_org, supplier, amount=10_000_000, deadline=deadline, shipped_at=at(deadline, 23), updated_at=updated
        )
        for updated in (clock.now(), clock.now(), old)
    ]
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
    # Qualification (suppliers app): approved with one valid certification (of the two that count in
    # full), and an on-site verification 30 days ago (the badge lasts 12 months).
    qualify_with_certifications(supplier, "ISO 9001")
    visited_on = today - timedelta(days=30)
    verify_on_site(supplier, agency_org, visited_on=visited_on)
    # Reviews (reviews app) of three completed orders: 5, 5 and 4 stars (mean of the three ratings);
    # a 1-star review of the fourth is hidden by a moderator and leaves the rating.
    review(buyer_org, fob[0], 5, 5, 5)
    review(buyer_org, fob[1], 5, 4, 3)  # 4.0 overall
    hidden = review(buyer_org, late, 1, 1, 1)
    review_services.review_hide(actor=moderator, review_id=hidden.pk, reason="Abusive language.")
    review(buyer_org, fob[2], 5, 5, 5)
    # Inquiries (messaging app) in the last 30 days: answered in 2 h, answered after 30 h (late),
    # never answered; one 40 days ago is outside the window.
    now = clock.now()
    inquiry(buyer_org, supplier, now - timedelta(days=10), timedelta(hours=2))
    inquiry(buyer_org, supplier, now - timedelta(days=8), timedelta(hours=30))
    inquiry(buyer_org, supplier, now - timedelta(days=5), None)
    inquiry(buyer_org, supplier, now - timedelta(days=40), timedelta(minutes=5))
    # Disputes: one decided by an expert with money back to the buyer (lost), one withdrawn by the
    # buyer (closed, not lost, and not counted as a disputed order).
    make_dispute(fob[2], status="resolved", outcome="decided", buyer_amount=2_000_000)
    make_dispute(late, status="withdrawn", outcome="withdrawn")

    result = services.rating_refresh(supplier_ids=[supplier.id])
    assert (result.rated, result.changed) == (1, 1)
    row = CreditRating.objects.get(supplier=supplier)

    expected = {
        "qualification": 20 * (0.4 + 0.3 * 1 / 2 + 0.3),  # approved, 1 of 2 certifications, verified
        "orders": 8 * math.log(1 + 4) / math.log(101),
        "volume": 7 * math.log10(1 + 400_000) / 6,
        "on_time": 12 * (3 + 5 * 0.9) / (4 + 5),  # 3 of 4 on time, smoothed toward 90 %
        "refunds": 8 * (1 - 4 * (1 + 5 * 0.05) / (5 + 5)),  # 1 of 5 closed orders refunded
        "inspections": 7 * (1 + 5 * 0.8) / (2 + 5),  # 1 of 2 first inspections passed
        "reviews": 15 * ((10 * 4 + 5 + 4 + 5) / (10 + 3) - 1) / 4,  # Bayesian average 54/13 = 4.15
        "response": 5 * (1 + 5 * 0.7) / (3 + 5),  # 1 of 3 answered within 24 h, smoothed toward 70 %
        "disputes": 8 * (1 - 5 * (1 + 5 * 0.03) / (5 + 5)),  # 1 of 5 funded orders disputed
        "disputes_lost": 5 * (1 - (1 + 5 * 0.3) / (2 + 5)),  # 1 of 2 closed disputes lost
        "tenure": 5 * 24 / 60,
    }
    for key, points in expected.items():
        item = factor(row, key)
        assert item["available"] is True
        assert item["weight"] == rating.FACTOR_BY_KEY[key].weight
        assert float(item["points"]) == pytest.approx(points * 100 / AVAILABLE, abs=0.01), key
    assert factor(row, "qualification")["raw"] == {"approved": True, "certifications": 1, "verified": True}
    assert factor(row, "orders")["raw"] == {"completed": 4}
    assert factor(row, "volume")["raw"] == {"usd": 400_000}
    assert factor(row, "on_time")["raw"] == {"on_time": 3, "measured": 4, "rate": 0.75}
    assert factor(row, "refunds")["raw"] == {"refunded": 1, "closed": 5, "rate": 0.2}
    assert factor(row, "inspections")["raw"] == {"passed": 1, "inspected": 2, "rate": 0.5}
    assert factor(row, "reviews")["raw"] == {"count": 3, "bayesian_average": 4.15}
    assert factor(row, "response")["raw"] == {"received": 3, "answered": 1, "rate": 0.3333}
    assert factor(row, "tenure")["raw"] == {"months": 24}
    assert factor(row, "disputes")["raw"] == {"disputed": 1, "funded": 5, "rate": 0.2}
    assert factor(row, "disputes_lost")["raw"] == {"lost": 1, "closed": 2, "rate": 0.5}
    assert AVAILABLE == 100  # every factor has its records now

    score = round(100 * sum(expected.values()) / AVAILABLE)
    assert row.score == score == 69
    assert row.grade == rating.grade_of(score) == "BBB"
    assert sum(Decimal(str(f["points"])) for f in row.factors) == pytest.approx(Decimal(score), abs=Decimal("0.5"))

    # Coverage: base USD 50,000 + 25,000 approved + 25,000 verified + half of the last 6 months'
    # completed volume (USD 200,000).
    assert row.coverage_limit_usd == 20_000_000
    assert Organization.objects.get(pk=supplier.pk).coverage_limit_usd == 20_000_000
    standing = CreditStanding.objects.get(supplier=supplier)
    assert (standing.score, standing.grade, standing.grade_rank) == (69, "BBB", 4)
    assert standing.inspected_pass_rate == Decimal("0.5000") and standing.inspected_orders == 2
    assert (standing.review_average, standing.review_count) == (Decimal("4.15"), 3)
    assert standing.response_rate == Decimal("0.3333")
    assert standing.certifications == ["ISO 9001"]
    # The same figures as the apps' own selectors.
    assert review_stats([supplier.id])[supplier.id].count == 3
    metrics = response_metrics([supplier.id], now=clock.now())[supplier.id]
    assert (metrics.received, metrics.answered_within_24h) == (3, 1)
    trust = supplier_trust_facts([supplier.id])[supplier.id]
    assert trust.status == "qualified" and trust.verified
    assert standing.verified_until == trust.verified_until


def test_the_verification_badge_lapses_on_the_same_day_in_the_rating_and_the_badge(buyer_org, agency_org, media):
    supplier = make_supplier()
    qualify_with_certifications(supplier, "ISO 9001", "ISO 14001")
    verify_on_site(supplier, agency_org, visited_on=clock.today() - timedelta(days=30))
    lapse = supplier_trust_facts([supplier.id])[supplier.id].verified_until
    assert lapse is not None
    for day, verified in ((lapse - timedelta(days=1), True), (lapse, False)):
        with clock.frozen_at(at(day, 12)):
            services.rating_refresh(supplier_ids=[supplier.id])
            assert supplier_trust_facts([supplier.id])[supplier.id].verified is verified
        row = CreditStanding.objects.get(supplier=supplier).rating
        assert factor(row, "qualification")["raw"] == {"approved": True, "certifications": 2, "verified": verified}
        assert float(factor(row, "qualification")["points"]) == pytest.approx(
            20 * (0.7 + 0.3 * verified) * 100 / AVAILABLE, abs=0.01
        )


def test_a_newcomer_starts_at_the_priors_and_others_are_not_touched_by_a_scoped_refresh(buyer_org):
    newcomer, other = make_supplier(), make_supplier()
    services.rating_refresh(supplier_ids=[newcomer.id])
    row = CreditRating.objects.get(supplier=newcomer)
    # on-time, refunds, inspections, reviews (4.0 stars) and response at their priors; no qualification
    expected = 12 * 0.9 + 8 * (1 - 4 * 0.05) + 7 * 0.8 + 15 * (4 - 1) / 4 + 5 * 0.7
    expected += 8 * (1 - 5 * 0.03) + 5 * (1 - 0.3)  # dispute rate and disputes lost at their priors
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


def test_real_reviews_rank_three_hundred_good_ones_above_three_perfect_ones(buyer_org):
    few, many = make_supplier(name="Three Perfect"), make_supplier(name="Three Hundred Good")
    for _ in range(3):
        review(buyer_org, make_order(buyer_org, few), 5, 5, 5)
    for i in range(300):  # 240 five-star and 60 four-star reviews: 4.8 on average
        stars = 5 if i % 5 else 4
        review(buyer_org, make_order(buyer_org, many), stars, stars, stars)
    services.rating_refresh(supplier_ids=[few.id, many.id])
    few_row, many_row = (CreditStanding.objects.get(supplier=s) for s in (few, many))
    assert (few_row.review_count, few_row.review_average) == (3, Decimal("4.23"))
    assert (many_row.review_count, many_row.review_average) == (300, Decimal("4.77"))
    few_points, many_points = (float(factor(r.rating, "reviews")["points"]) for r in (few_row, many_row))
    assert many_points > few_points
    assert few_points == pytest.approx(15 * (55 / 13 - 1) / 4 * 100 / AVAILABLE, abs=0.01)
    assert many_points == pytest.approx(15 * (1480 / 310 - 1) / 4 * 100 / AVAILABLE, abs=0.01)


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

    # A dispute opened on another supplier's order asks for that supplier's refresh.
    record_event(make_order(buyer_org, other), "dispute.opened", None)
    assert [lock for _s, lock, _q, _at in _credit_jobs(other.id)] == [f"credit_refresh:{other.id}"]

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


def test_reviews_replies_and_qualification_defer_one_debounced_refresh(buyer_org, agency_org, media, moderator):
    supplier = make_supplier()
    order = make_order(buyer_org, supplier)
    posted = review(buyer_org, order, 2, 2, 2)
    jobs = _credit_jobs(supplier.id)
    assert [(s, lock, queue) for s, lock, queue, _at in jobs] == [("todo", f"credit_refresh:{supplier.id}", "credit")]

    def refreshed() -> None:  # the waiting job runs (the worker would, 60 s later)
        tasks.refresh_supplier(supplier_id=supplier.id)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE procrastinate_jobs SET status = 'succeeded' WHERE task_name = 'credit.refresh_supplier'"
                " AND args->>'supplier_id' = %s AND status = 'todo'",
                [supplier.id],
            )

    refreshed()
    assert CreditStanding.objects.get(supplier=supplier).review_count == 1

    review_services.review_hide(actor=moderator, review_id=posted.pk, reason="Posted by a competitor.")
    assert [s for s, *_ in _credit_jobs(supplier.id)].count("todo") == 1
    refreshed()
    assert CreditStanding.objects.get(supplier=supplier).review_count == 0

    thread = inquiry(buyer_org, supplier, clock.now() - timedelta(hours=1), None)  # the buyer's message: no refresh
    assert [s for s, *_ in _credit_jobs(supplier.id)].count("todo") == 0
    messaging_services.inquiry_reply(actor=org_actor(supplier), thread_id=thread.pk, body="Here is our quote.")
    assert [s for s, *_ in _credit_jobs(supplier.id)].count("todo") == 1
    refreshed()
    assert CreditStanding.objects.get(supplier=supplier).response_rate == Decimal("1.0000")

    qualify_with_certifications(supplier, "ISO 9001")  # approval
    assert [s for s, *_ in _credit_jobs(supplier.id)].count("todo") == 1
    refreshed()
    row = CreditStanding.objects.get(supplier=supplier).rating
    assert factor(row, "qualification")["raw"]["approved"] is True

    verify_on_site(supplier, agency_org, visited_on=clock.today())  # the report
    assert [s for s, *_ in _credit_jobs(supplier.id)].count("todo") == 1
    refreshed()
    assert factor(CreditStanding.objects.get(supplier=supplier).rating, "qualification")["raw"]["verified"] is True
