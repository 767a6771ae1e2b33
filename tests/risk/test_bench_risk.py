"""The risk benchmark's generator and measurements, at a tiny size, on the test database."""

from __future__ import annotations

import pytest

from bench import risk
from tradeshield.payments.models import Payment
from tradeshield.risk.models import Assessment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_generate_and_time_decisions_at_a_tiny_size() -> None:
    steps: list[int] = []
    made = risk.generate(3_000, steps.append)
    assert made["buyers"] == 1_000 and steps[-1] == 3_000
    assert Payment.objects.filter(id__startswith="pay_brsk").count() == 3_000
    assert Payment.objects.filter(id__startswith="pay_brsk", status="failed").count() == 3_000 // 33
    assert Assessment.objects.filter(id__startswith="rsk_brsk").count() == 3_000
    decisions = risk.decision_latencies_ms(40, made["buyers"])
    screens = risk.screen_latencies_ms(10, made["buyers"])
    assert len(decisions) == 40 and risk.p(decisions, 99) >= risk.p(decisions, 50) > 0
    assert len(screens) == 10
    assert Assessment.objects.count() == 3_000  # screen() ran in rolled-back transactions
    plan = risk.explain(made["buyers"])
    assert "risk_assess_org_kind" in plan and "risk_payment_buyer_failed" in plan
    assert "Seq Scan on payment" not in plan and "Seq Scan on risk_assessment" not in plan
