"""Inbound email: an aiosmtpd handler that turns each message into a ticket reply or a new ticket.

A reply names its ticket by token, either in the subject as `[#token]` or as a plus address
(`support+token@…`). Anything else opens a new ticket for the sender.
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connection

from tradeshield.support import services
from tradeshield.support.errors import SupportInvalid
from tradeshield.support.policy import MAX_MESSAGE

SUBJECT_TOKEN = re.compile(r"\[#([0-9a-f]{12})\]")
PLUS_TOKEN = re.compile(r"^[^+@]+\+([0-9a-f]{12})@", re.IGNORECASE)


def token_of(subject: str, recipients: list[str]) -> str | None:
    if match := SUBJECT_TOKEN.search(subject):
        return match.group(1)
    for rcpt in recipients:
        if match := PLUS_TOKEN.match(rcpt):
            return match.group(1).lower()
    return None


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    body = part.get_content() if part is not None else ""
    return str(body)[:MAX_MESSAGE]


def receive(raw: bytes, mail_from: str, recipients: list[str]) -> str:
    """Parse and store one message; returns the ticket id."""
    try:
        return _store(raw, mail_from, recipients)
    finally:
        connection.close()  # runs on an executor thread: do not leave its connection open


def _store(raw: bytes, mail_from: str, recipients: list[str]) -> str:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    sender = parseaddr(str(message.get("From", "")))[1] or mail_from
    subject = str(message.get("Subject", ""))[:200]
    ticket, _ = services.email_received(
        sender=sender, subject=subject, body=text_of(message), token=token_of(subject, recipients)
    )
    return ticket.id


class Handler:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        try:
            ticket_id = await sync_to_async(receive, thread_sensitive=False)(
                envelope.original_content or envelope.content, envelope.mail_from, list(envelope.rcpt_tos)
            )
        except SupportInvalid:
            return "550 Message has no text"
        return f"250 Message accepted for ticket {ticket_id}"
