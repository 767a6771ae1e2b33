"""Two simultaneous reviews of one order on separate connections: exactly one is stored."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.api.test_concurrency import race
from tests.reviews.support import GOOD, completed_order
from tradeshield.reviews.models import Review

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_simultaneous_reviews_of_one_order_store_exactly_one(buyer, supplier):
    order_id = completed_order(buyer, supplier)
    statuses = race(
        lambda i: buyer.client.post(f"/orders/{order_id}/review", {**GOOD, "service": 1 + i % 5}).status_code
    )
    assert sum(statuses.values()) >= 2
    assert statuses[201] == 1 and statuses == Counter({201: 1, 409: sum(statuses.values()) - 1})
    assert Review.objects.filter(order_id=order_id).count() == 1
