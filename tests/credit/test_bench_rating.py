"""The rating benchmark's generator and measurements, at a tiny size, on the test database."""

from __future__ import annotations

import pytest

from bench import rating
from tradeshield.credit.models import CreditStanding, SupplierProfile
from tradeshield.orders.models import Order

# Like every transactional test here: after a plain flush, the next serialized_rollback test would
# restore rows (content types) that the flush's post-migrate signal already recreated.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_generate_refresh_and_search_at_a_tiny_size():
    steps = []
    made = rating.generate(30, 2_000, lambda what, n: steps.append((what, n)))
    assert (made.suppliers, made.orders) == (30, 2_000)
    assert steps[-1] == ("orders", 2_000)
    assert Order.objects.filter(supplier__id__startswith="org_bsup").count() == 2_000
    assert Order.objects.filter(status="completed").count() == 1_600  # 16 in 20
    assert SupplierProfile.objects.filter(organization__id__startswith="org_bsup").count() == 30
    count_s, rows = rating.count_orders_s()
    assert rows == 2_000 and count_s > 0
    seconds, result = rating.refresh_s()
    assert result.rated == 30 and result.changed == 30 and seconds > 0
    assert CreditStanding.objects.count() == 30
    queries = rating.typical_queries(25)
    latencies = rating.search_latencies_ms(queries)
    assert len(latencies) == 25 and rating.p(latencies, 99) >= rating.p(latencies, 50) > 0
    assert "credit_standing" in rating.explain({"q": "led", "sort": "grade"})
