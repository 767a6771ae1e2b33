"""The support pages: a customer's chat with its live fragment, the staff queue (breached first), agent actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import translation

from tests.conftest import Party
from tests.support.test_support import make_agent, open_ticket
from tradeshield.kit import clock
from tradeshield.support.models import Status, Ticket


def web(party: Party) -> Client:
    client = Client()
    client.force_login(party.user)
    return client


@pytest.fixture
def agent(db: None) -> Party:
    return make_agent("Web Agent", ["en"])


def test_customer_opens_ticket_and_live_fragment_shows_agent_reply(buyer: Party, agent: Party) -> None:
    customer = web(buyer)
    created = customer.post("/support/", {"subject": "Payment", "body": "Charged twice", "priority": "high"})
    ticket = Ticket.objects.get(organization=buyer.org)
    assert created.status_code == 302 and created["Location"] == f"/support/{ticket.id}/"
    page = customer.get(f"/support/{ticket.id}/").content.decode()
    assert "Charged twice" in page and f'hx-get="/support/{ticket.id}/live/"' in page
    web(agent).post(f"/support/{ticket.id}/", {"action": "reply", "body": "Refund is on its way."})
    live = customer.get(f"/support/{ticket.id}/live/").content.decode()
    assert "Refund is on its way." in live and 'id="support-live"' in live and "<html" not in live


def test_staff_queue_breached_first_and_filters(buyer: Party, agent: Party) -> None:
    low = open_ticket(buyer, subject="Low one", priority="low")
    urgent = open_ticket(buyer, subject="Urgent one", priority="urgent")
    staff = web(agent)
    with clock.simulated_at(Ticket.objects.get(pk=low["id"]).created_at + timedelta(hours=2)):
        page = staff.get("/staff/support/").content.decode()
    assert page.index(urgent["id"]) < page.index(low["id"]) and "Breached" in page
    only_low = staff.get("/staff/support/", {"priority": "low"}).content.decode()
    assert low["id"] in only_low and urgent["id"] not in only_low
    assert web(buyer).get("/staff/support/").status_code == 403


def test_agent_logs_call_reassigns_and_closes(buyer: Party, agent: Party, db: None) -> None:
    other = make_agent("Second Agent", ["en"])
    ticket_id = open_ticket(buyer)["id"]
    staff = web(agent)
    url = f"/support/{ticket_id}/"
    staff.post(url, {"action": "call", "caller": "Bo", "summary": "Called back", "duration_seconds": "90"})
    staff.post(url, {"action": "assign", "assignee_id": other.user.id})
    staff.post(url, {"action": "close"})
    ticket = Ticket.objects.get(pk=ticket_id)
    assert ticket.calls.get().duration_seconds == 90 and ticket.assignee_id == other.user.id
    assert ticket.status == "closed"
    web(buyer).post(url, {"action": "survey", "rating": "5", "comment": "Great"})
    assert Ticket.objects.get(pk=ticket_id).rating == 5


def test_other_organization_gets_404(buyer: Party, other_buyer: Party, agent: Party) -> None:
    ticket_id = open_ticket(buyer)["id"]
    stranger = web(other_buyer)
    assert stranger.get(f"/support/{ticket_id}/").status_code == 404
    assert stranger.get(f"/support/{ticket_id}/live/").status_code == 404
    assert stranger.post(f"/support/{ticket_id}/", {"action": "close"}).status_code == 404
    assert Ticket.objects.get(pk=ticket_id).status == "open"


def test_queue_and_ticket_show_priority_status_and_channel_in_the_readers_language(buyer: Party, agent: Party) -> None:
    ticket_id = open_ticket(buyer, subject="Urgente", priority="urgent")["id"]
    agent.user.preferred_language = "fr"
    agent.user.save(update_fields=["preferred_language"])
    queue = web(agent).get("/staff/support/").content.decode()
    with translation.override("fr"):
        open_in_french = str(Status.OPEN.label)
    assert open_in_french != "Open" and f"<td>Urgente</td><td>{open_in_french}</td>" in queue
    assert "<td>urgent</td>" not in queue and "<td>open</td>" not in queue
    assert '<option value="urgent">Urgente</option>' in queue
    buyer.user.preferred_language = "zh-hans"
    buyer.user.save(update_fields=["preferred_language"])
    page = web(buyer).get(f"/support/{ticket_id}/").content.decode()
    assert "紧急" in page and "urgent ·" not in page
