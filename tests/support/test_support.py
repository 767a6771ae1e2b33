"""Customer service over real PostgreSQL: chat, email, phone; routing; targets and escalation; survey."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from tests.conftest import Party, make_party
from tradeshield.kit import clock
from tradeshield.organizations.models import OrgKind
from tradeshield.support import services
from tradeshield.support.models import AgentProfile, Escalation, Shift, Ticket

MONDAY_10 = datetime(2026, 12, 7, 10, 30, tzinfo=UTC)


def make_agent(name: str, languages: list[str], hours: tuple[int, int] = (0, 24), role: str = "support_agent") -> Party:
    party = make_party(OrgKind.BUYER, name, "GB")
    party.user.membership.delete()
    party.user.staff_role = role
    party.user.save()
    AgentProfile.objects.create(user=party.user, languages=languages)
    for day in range(7):
        Shift.objects.create(agent=party.user, weekday=day, start_hour=hours[0], end_hour=hours[1])
    return party


def open_ticket(party: Party, **body: object) -> dict:
    response = party.client.post("/support/tickets", {"subject": "Help", "body": "My order is late.", **body})
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def agent(db: None) -> Party:
    return make_agent("Agent En", ["en"])


def test_chat_ticket_reply_and_first_response(buyer: Party, agent: Party) -> None:
    ticket = open_ticket(buyer, priority="high")
    assert ticket["channel"] == "chat" and ticket["assignee_id"] == agent.user.id
    assert ticket["first_response_at"] is None
    reply = agent.client.post(f"/support/tickets/{ticket['id']}/messages", {"body": "Looking into it."})
    assert reply.status_code == 201 and reply.json()["from_agent"] is True
    detail = buyer.client.get(f"/support/tickets/{ticket['id']}").json()
    assert [m["body"] for m in detail["messages"]] == ["My order is late.", "Looking into it."]
    assert detail["first_response_at"] is not None


def test_other_organization_cannot_see_or_write(buyer: Party, other_buyer: Party, agent: Party) -> None:
    ticket = open_ticket(buyer)
    assert other_buyer.client.get(f"/support/tickets/{ticket['id']}").status_code == 404
    assert other_buyer.client.get("/support/tickets").json() == []
    post = other_buyer.client.post(f"/support/tickets/{ticket['id']}/messages", {"body": "hi"})
    assert post.status_code == 404 and post.json()["error"]["code"] == "ticket_not_found"
    assert buyer.client.get("/support/queue").status_code == 403


def test_phone_call_logged_by_agent_only(buyer: Party, agent: Party) -> None:
    ticket = open_ticket(buyer)
    path = f"/support/tickets/{ticket['id']}/calls"
    body = {"caller": "Ana +44 20", "summary": "Asked about refund.", "duration_seconds": 240}
    assert buyer.client.post(path, body).json()["error"]["code"] == "support_forbidden"
    logged = agent.client.post(path, body)
    assert logged.status_code == 201 and logged.json()["duration_seconds"] == 240
    assert Ticket.objects.get(pk=ticket["id"]).calls.get().agent_id == agent.user.id


def test_routing_by_language_shift_and_load(buyer: Party, db: None) -> None:
    off_shift = make_agent("Night Es", ["es"], hours=(22, 24))
    spanish = make_agent("Day Es", ["es", "en"], hours=(8, 18))
    english = make_agent("Day En", ["en"], hours=(8, 18))
    english2 = make_agent("Day En Two", ["en"], hours=(8, 18))
    with clock.simulated_at(MONDAY_10):
        buyer.user.preferred_language = "es"
        buyer.user.save()
        first = services.ticket_open(actor=_actor(buyer), subject="Hola", body="Ayuda")
        assert first.assignee_id == spanish.user.id  # speaks Spanish and on shift; the night agent is not
        buyer.user.preferred_language = "en"
        buyer.user.save()
        picks = [services.ticket_open(actor=_actor(buyer), subject="Hi", body="Help").assignee_id for _ in range(3)]
    # least loaded first: the two idle English speakers before the Spanish agent who already has one
    assert sorted(picks[:2]) == sorted([english.user.id, english2.user.id])
    assert off_shift.user.id not in picks


def _actor(party: Party):  # type: ignore[no-untyped-def]
    from tradeshield.organizations.actors import Actor

    return Actor(user=party.user, organization=party.org, role="owner", via="session")


def test_escalation_once_per_breach(buyer: Party, agent: Party, db: None) -> None:
    make_agent("Boss", [], role="admin")
    ticket = open_ticket(buyer, priority="urgent")
    created = Ticket.objects.get(pk=ticket["id"]).created_at
    with clock.simulated_at(created + timedelta(minutes=29)):
        assert services.escalate_breached() == 0
    with clock.simulated_at(created + timedelta(minutes=31)):
        assert services.escalate_breached() == 1
        assert services.escalate_breached() == 0
    with clock.simulated_at(created + timedelta(hours=5)):
        assert services.escalate_breached() == 1  # the resolution target, once
        assert services.escalate_breached() == 0
    assert sorted(Escalation.objects.filter(ticket_id=ticket["id"]).values_list("target", flat=True)) == [
        "first_response",
        "resolution",
    ]


def test_survey_rules_and_closing_twice(buyer: Party, other_buyer: Party, agent: Party) -> None:
    ticket = open_ticket(buyer)
    path = f"/support/tickets/{ticket['id']}"
    early = buyer.client.post(f"{path}/survey", {"rating": 5})
    assert early.status_code == 409 and early.json()["error"]["code"] == "ticket_not_closed"
    assert agent.client.post(f"{path}/close").status_code == 200
    again = agent.client.post(f"{path}/close")
    assert again.status_code == 409 and again.json()["error"]["code"] == "ticket_closed"
    assert other_buyer.client.post(f"{path}/survey", {"rating": 1}).status_code == 404
    assert agent.client.post(f"{path}/survey", {"rating": 1}).json()["error"]["code"] == "support_forbidden"
    assert buyer.client.post(f"{path}/survey", {"rating": 6}).json()["error"]["code"] == "support_invalid"
    ok = buyer.client.post(f"{path}/survey", {"rating": 4, "comment": "Quick."})
    assert ok.status_code == 200 and ok.json()["rating"] == 4
    twice = buyer.client.post(f"{path}/survey", {"rating": 5})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "survey_already_answered"
    assert Ticket.objects.get(pk=ticket["id"]).rating == 4


def test_bad_messages(buyer: Party, agent: Party) -> None:
    empty = buyer.client.post("/support/tickets", {"subject": "Help", "body": "   "})
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "support_invalid"
    ticket = open_ticket(buyer)
    long = buyer.client.post(f"/support/tickets/{ticket['id']}/messages", {"body": "x" * 5001})
    assert long.status_code == 422 and long.json()["error"]["field"] == "body"


def test_email_reply_by_token_and_new_ticket_from_stranger(buyer: Party, agent: Party) -> None:
    ticket = open_ticket(buyer)
    token = Ticket.objects.get(pk=ticket["id"]).token
    replied, created = services.email_received(sender=buyer.user.email, subject="Re", body="More info", token=token)
    assert not created and replied.id == ticket["id"] and replied.messages.count() == 2
    fresh, created = services.email_received(sender="who@nowhere.test", subject="Hello", body="Question", token=None)
    assert created and fresh.organization_id is None and fresh.channel == "email"
    # a stranger quoting a customer's token does not get into that customer's ticket
    other, created = services.email_received(sender="who@nowhere.test", subject="x", body="y", token=token)
    assert created and other.id != ticket["id"]
    assert mail.outbox == []
