"""Support email through a real aiosmtpd server on loopback, sent with smtplib."""

from __future__ import annotations

import smtplib
import socket
import threading
from collections.abc import Callable, Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from tests.conftest import Party
from tests.support.test_support import make_agent, open_ticket
from tradeshield.kit.ids import new_id
from tradeshield.organizations.actors import Actor
from tradeshield.support import services
from tradeshield.support.mailin import Handler, token_of
from tradeshield.support.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[Callable[[str, str, str, str], dict]]:
    controller = Controller(Handler(), hostname="127.0.0.1", port=_free_port())
    controller.start()

    def send(sender: str, to: str, subject: str, body: str) -> dict:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = sender, to, subject
        message.set_content(body)
        with smtplib.SMTP(controller.hostname, controller.port) as client:
            return client.send_message(message)

    yield send
    controller.stop()


def test_token_in_subject_or_plus_address() -> None:
    assert token_of("Re: Late order [#0123456789ab]", []) == "0123456789ab"
    assert token_of("Re: hi", ["support+0123456789AB@tradeshield.test"]) == "0123456789ab"
    assert token_of("Hello", ["support@tradeshield.test"]) is None


def test_reply_joins_ticket_and_stranger_opens_one(buyer: Party, smtp) -> None:  # type: ignore[no-untyped-def]
    make_agent("Mail Agent", ["en"])
    ticket = Ticket.objects.get(pk=open_ticket(buyer)["id"])
    smtp(buyer.user.email, "support@tradeshield.test", f"Re: Help [#{ticket.token}]", "Tracking says customs.")
    smtp(buyer.user.email, f"support+{ticket.token}@tradeshield.test", "Re: Help", "And another thing.")
    bodies = [m.body.strip() for m in ticket.messages.all()]
    assert bodies == ["My order is late.", "Tracking says customs.", "And another thing."]
    assert [m.channel for m in ticket.messages.all()][1:] == ["email", "email"]
    smtp("someone@elsewhere.test", "support@tradeshield.test", "Account question", "How do I sign up?")
    fresh = Ticket.objects.get(requester_email="someone@elsewhere.test")
    assert fresh.channel == "email" and fresh.organization_id is None and fresh.assignee is not None
    assert Ticket.objects.count() == 2


def test_empty_mail_is_refused(smtp) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(smtplib.SMTPDataError) as refused:
        smtp("someone@elsewhere.test", "support@tradeshield.test", "Empty", "   ")
    assert refused.value.smtp_code == 550
    assert not Ticket.objects.exists()


def test_concurrent_tickets_spread_over_idle_agents(buyer: Party) -> None:
    """Two tickets opened at the same instant on separate connections go to two different agents."""
    first, second = make_agent("Race A", ["en"]), make_agent("Race B", ["en"])
    actor = Actor(user=buyer.user, organization=buyer.org, role="owner", via="session")
    barrier = threading.Barrier(2)
    picked: list[str | None] = []

    def run() -> None:
        try:
            barrier.wait()
            picked.append(services.ticket_open(actor=actor, subject=new_id("s"), body="Race").assignee_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(p or "" for p in picked) == sorted([first.user.id, second.user.id])
