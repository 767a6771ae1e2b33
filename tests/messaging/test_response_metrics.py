"""Response metrics on a simulated clock: received, answered within 24 h, late, unanswered, outside the
30-day window, the median first-response time, and one query for many suppliers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_party
from tradeshield.kit import clock
from tradeshield.messaging import services
from tradeshield.messaging.selectors import response_metrics
from tradeshield.organizations.actors import actor_for_user
from tradeshield.organizations.models import OrgKind

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def ask(buyer, supplier, at: datetime, reply_after: timedelta | None, *, second_reply_after: timedelta | None = None):
    with clock.frozen_at(at):
        thread = services.inquiry_create(
            actor=actor_for_user(buyer.user), supplier_id=supplier.org.id, subject="Quote", body="How much?"
        )
    if reply_after is not None:
        with clock.frozen_at(at + reply_after):
            services.inquiry_reply(actor=actor_for_user(supplier.user), thread_id=thread.id, body="This much.")
    if second_reply_after is not None:
        with clock.frozen_at(at + second_reply_after):
            services.inquiry_reply(actor=actor_for_user(supplier.user), thread_id=thread.id, body="Again.")
    return thread


def test_each_case_counts_as_it_should(buyer, supplier):
    day = timedelta(days=1)
    ask(buyer, supplier, NOW - 10 * day, timedelta(hours=2))  # on time: 2 h
    ask(buyer, supplier, NOW - 9 * day, timedelta(hours=23, minutes=59))  # on time, just
    ask(buyer, supplier, NOW - 8 * day, timedelta(hours=30), second_reply_after=timedelta(hours=31))  # late: 30 h
    ask(buyer, supplier, NOW - 7 * day, None)  # never answered
    ask(buyer, supplier, NOW - timedelta(hours=3), None)  # unanswered but still within its 24 h
    ask(buyer, supplier, NOW - 40 * day, timedelta(minutes=5))  # outside the 30 days: not counted
    # a buyer's follow-up is not a reply
    thread = ask(buyer, supplier, NOW - 5 * day, timedelta(hours=4))
    with clock.frozen_at(NOW - 5 * day + timedelta(hours=1)):
        services.inquiry_reply(actor=actor_for_user(buyer.user), thread_id=thread.id, body="Any news?")

    metrics = response_metrics([supplier.org.id], now=NOW)[supplier.org.id]
    assert metrics.received == 6
    assert metrics.answered_within_24h == 3  # 2 h, 23 h 59 min, 4 h
    assert metrics.answered == 4
    assert metrics.pending == 1
    assert metrics.response_rate == Decimal("0.5000")
    # first replies: 2 h, 4 h, 23:59, 30 h → median (4 h + 23 h 59 min) / 2
    assert metrics.median_first_response == (timedelta(hours=4) + timedelta(hours=23, minutes=59)) / 2


def test_a_reply_after_now_does_not_count_yet(buyer, supplier):
    ask(buyer, supplier, NOW - timedelta(hours=30), timedelta(hours=10))
    before_reply = response_metrics([supplier.org.id], now=NOW - timedelta(hours=25))[supplier.org.id]
    assert (before_reply.received, before_reply.answered, before_reply.answered_within_24h) == (1, 0, 0)
    assert before_reply.median_first_response is None
    after = response_metrics([supplier.org.id], now=NOW)[supplier.org.id]
    assert (after.answered, after.answered_within_24h) == (1, 1)
    assert after.median_first_response == timedelta(hours=10)
    # 31 days later it has left the window
    later = response_metrics([supplier.org.id], now=NOW + timedelta(days=31))[supplier.org.id]
    assert later.received == 0 and later.response_rate is None


def test_many_suppliers_in_one_query(buyer, supplier):
    others = [make_party(OrgKind.SUPPLIER, f"Supplier {i}", "CN") for i in range(3)]
    ask(buyer, supplier, NOW - timedelta(days=2), timedelta(hours=1))
    ask(buyer, others[0], NOW - timedelta(days=2), timedelta(hours=48))
    ask(buyer, others[1], NOW - timedelta(days=2), None)
    ids = [supplier.org.id, *(o.org.id for o in others)]
    with CaptureQueriesContext(connection) as queries:
        metrics = response_metrics(ids, now=NOW)
    assert len(queries.captured_queries) == 1
    assert metrics[supplier.org.id].response_rate == Decimal("1.0000")
    assert metrics[others[0].org.id].response_rate == Decimal("0.0000")
    assert metrics[others[0].org.id].median_first_response == timedelta(hours=48)
    assert (metrics[others[1].org.id].received, metrics[others[1].org.id].answered) == (1, 0)
    assert metrics[others[2].org.id].received == 0 and metrics[others[2].org.id].response_rate is None
    assert response_metrics([], now=NOW) == {}
