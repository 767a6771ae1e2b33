"""Telling the other side of a legal consultation that a message is waiting, by email, in each reader's language.

Deferred by `legal.services` in the message's own transaction: the firm's lawyers hear about a new
case (its first message), the requesting organization's members hear about the lawyers' answers.
The email names the case and links to it; the text itself stays on the platform (it is privileged).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from procrastinate.contrib.django import app

from tradeshield.accounts.models import User
from tradeshield.legal.models import ConsultationMessage

TASK = "legal.notify_message"


def recipients(message: ConsultationMessage) -> list[User]:
    case = message.consultation
    other = case.firm_id if message.organization_id == case.requester_id else case.requester_id
    return list(User.objects.filter(membership__organization_id=other, is_active=True).order_by("email"))


@app.task(name=TASK, queue="notifications")
def notify_message(message_id: str) -> int:
    message = ConsultationMessage.objects.select_related("consultation__order", "organization").get(pk=message_id)
    case = message.consultation
    link = settings.TRADESHIELD_PUBLIC_URL.rstrip("/") + reverse("web:legal_case", args=[case.id])
    first = not case.messages.filter(created_at__lt=message.created_at).exists()
    sent = 0
    for user in recipients(message):
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            if first:
                subject = _("New legal consultation: %(order)s") % {"order": case.order.title}
            else:
                subject = _("New message on the legal consultation: %(order)s") % {"order": case.order.title}
            body = _("%(organization)s wrote on the case. Read it and answer here: %(link)s") % {
                "organization": message.organization.name,
                "link": link,
            }
        sent += send_mail(subject, body, None, [user.email])
    return sent
