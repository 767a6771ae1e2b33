"""Open disputes on the staff vital-signs page and in /metrics, by stage and age."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from tests.conftest import Party
from tests.disputes.conftest import open_dispute, shipped_order
from tradeshield.accounts.models import User
from tradeshield.disputes.models import Dispute
from tradeshield.disputes.selectors import ops_open_by_stage
from tradeshield.kit import clock
from tradeshield.ops import selectors as ops

pytestmark = pytest.mark.django_db


def test_open_disputes_are_counted_by_stage_and_age(buyer: Party, supplier: Party) -> None:
    assert ops_open_by_stage() == {}
    fresh = open_dispute(buyer, shipped_order(buyer, supplier))
    older = open_dispute(buyer, shipped_order(buyer, supplier))
    withdrawn = open_dispute(buyer, shipped_order(buyer, supplier))
    assert {r.status_code for r in (fresh, older, withdrawn)} == {201}
    Dispute.objects.filter(pk=older.json()["id"]).update(created_at=clock.now() - timedelta(days=5))
    Dispute.objects.filter(pk=withdrawn.json()["id"]).update(status="withdrawn")

    expected = {"negotiating": {"under_3_days": 1, "3_to_7_days": 1}}
    assert ops_open_by_stage() == expected
    assert ops.disputes_open_by_stage() == expected  # what the dashboard and /metrics read

    staff = Client()
    staff.force_login(User.objects.create_user("agent@disputes.test", "agent-password-42", staff_role="admin"))
    html = staff.get("/staff/vital-signs/").content.decode()
    assert "not part of this installation" not in html
    assert re.search(r'id="tile-disputes">\s*<div class="stat-value">2</div>', html)
    assert "<td>Negotiating</td>" in html
