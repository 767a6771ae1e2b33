"""The demo has support agents with languages and shifts, and tickets routed to them."""

from __future__ import annotations

import pytest

from tradeshield.demo.seed import seed_demo
from tradeshield.kit import clock
from tradeshield.support.models import AgentProfile, Shift, Ticket

pytestmark = pytest.mark.django_db


def test_demo_support_agents_and_tickets() -> None:
    assert seed_demo(if_empty=True) is True
    agents = {p.user.email: p.languages for p in AgentProfile.objects.select_related("user")}
    assert agents == {
        "support@tradeshield.example": ["en", "zh", "es"],
        "support-emea@tradeshield.example": ["ar", "fr", "en"],
    }
    assert Shift.objects.count() == 14
    arabic = Ticket.objects.get(language="ar")
    hour = clock.now().hour
    expected = "support-emea@tradeshield.example" if 6 <= hour < 18 else "support@tradeshield.example"
    assert arabic.assignee is not None and arabic.assignee.email == expected
    answered = Ticket.objects.get(language="en")
    assert answered.first_response_at is not None and answered.messages.count() == 2
