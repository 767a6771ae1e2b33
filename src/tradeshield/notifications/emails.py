"""Sending notification emails through Django's mail backend (SMTP in production), with retries.

Each email is rendered when sent, in its recipient's preferred language. A refusal by the server
(5xx, unknown recipient) is final; anything else (server down, timeout, 4xx) is retried with
`EMAIL_BACKOFF`.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tradeshield.accounts.languages import language_for
from tradeshield.kit import clock
from tradeshield.notifications import leases, risk_notices, supplier_events
from tradeshield.notifications.backoff import EMAIL_BACKOFF
from tradeshield.notifications.models import EmailDelivery
from tradeshield.notifications.text import render_text
from tradeshield.organizations.models import Organization

logger = logging.getLogger(__name__)


def _organization(email: EmailDelivery) -> Organization:
    """Whose view the email is written from: the buyer, the supplier, or the inspection agency."""
    assert email.event is not None
    order = email.event.order
    if email.side == "agency":
        return Organization.objects.get(pk=(email.event.data or {})["agency_id"])
    return order.buyer if email.side == "buyer" else order.supplier


def _link(email: EmailDelivery) -> str:
    assert email.event is not None
    if email.side == "agency":
        return reverse("web:inspection_detail", args=[(email.event.data or {})["inspection_id"]])
    return reverse("web:order_detail", args=[email.event.order_id])


def compose(email: EmailDelivery) -> EmailMultiAlternatives:
    if email.supplier_event_id:
        return supplier_events.compose(email)
    if email.risk_case_id:
        return risk_notices.compose(email)
    assert email.event is not None
    user, order = email.user, email.event.order
    with translation.override(language_for(user)):
        text = render_text(email.event, email.side)
        base = settings.TRADESHIELD_PUBLIC_URL.rstrip("/")
        context = {
            "user": user,
            "order": order,
            "title": text.title,
            "body": text.body,
            "order_url": base + _link(email),
            "notifications_url": base + reverse("web:notifications"),
            "organization": _organization(email),
        }
        subject = f"{text.title} · {order.title}"
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("notifications/email/event.txt", context),
            to=[email.to_address],
            headers={"Auto-Submitted": "auto-generated", "X-TradeShield-Order": order.id},
        )
        message.attach_alternative(render_to_string("notifications/email/event.html", context), "text/html")
    return message


def _failure(exc: Exception) -> tuple[str, bool]:
    """(what went wrong, whether retrying could help)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"Recipient refused: {exc.recipients}", False
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"SMTP {exc.smtp_code}: {detail}", exc.smtp_code < 500
    return f"{type(exc).__name__}: {exc}", True


def email_send(email_id: str) -> EmailDelivery | None:
    """One attempt at one email; None when it is not due or another worker is sending it."""
    if not leases.claim(EmailDelivery, email_id):
        return None
    email = EmailDelivery.objects.select_related(
        "user", "event__order__buyer", "event__order__supplier", "supplier_event__supplier", "risk_case"
    ).get(pk=email_id)
    error, retry = "", True
    try:
        message = compose(email)
        message.send()
        email.subject = str(message.subject)
    except (smtplib.SMTPException, OSError) as exc:
        error, retry = _failure(exc)
    except Exception as exc:  # a failed attempt is logged and retried, never left leased
        logger.exception("Email %s failed unexpectedly", email.id)
        error = f"Internal error: {type(exc).__name__}"
    with transaction.atomic():
        leases.settle(email, error=error, backoff=EMAIL_BACKOFF, retry=retry, now=clock.now())
        email.save(update_fields=[*leases.SETTLED_FIELDS, "subject"])
    return email
