"""The escalation sweep as a real Procrastinate job on a real worker: one escalation and one email per breach."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from procrastinate.contrib.django import app

from tests.conftest import Party
from tests.notifications.support import run_pending_jobs
from tests.support.test_support import make_agent, open_ticket
from tradeshield.kit import clock
from tradeshield.support.models import Escalation, Ticket
from tradeshield.support.tasks import support_escalate

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_periodic_sweep_escalates_once_and_emails_admins(buyer: Party) -> None:
    make_agent("Agent W", ["en"])
    boss = make_agent("Boss W", [], role="admin")
    ticket_id = open_ticket(buyer, priority="urgent")["id"]
    Ticket.objects.filter(pk=ticket_id).update(first_response_due=clock.now() - timedelta(minutes=1))
    periodic = {p.periodic_id: p.cron for p in app.periodic_registry.periodic_tasks.values()}
    assert periodic["support_escalations"] == "* * * * *"
    for stamp in (1, 2):
        support_escalate.defer(timestamp=stamp)
        run_pending_jobs()
    assert list(Escalation.objects.filter(ticket_id=ticket_id).values_list("target", flat=True)) == ["first_response"]
    sent = [m for m in mail.outbox if ticket_id in m.subject]
    assert len(sent) == 1 and sent[0].to == [boss.user.email]
