"""Payment risk warnings (`risk.RiskCase`) as in-app notices and emails.

`risk.services.screened` defers `notifications.relay_risk_case` when it records a held, suspended or
freezing case; the relay claims the case by compare-and-set on `risk_case.relayed_at` and creates one
notice and one email per active member of the organization, each unique per (case, person). The text
says what happened (nothing was charged or moved) and what to do next.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tradeshield.kit import clock, jobs
from tradeshield.kit.money import format_amount
from tradeshield.notifications.models import EmailDelivery, Notification
from tradeshield.notifications.text import Text
from tradeshield.organizations.models import Membership, Organization
from tradeshield.risk.models import Kind, RiskCase

logger = logging.getLogger(__name__)
SEND_EMAIL_TASK = "notifications.send_email"

TEXTS: dict[str, tuple[Promise, Promise]] = {
    "review": (
        _("Payment risk warning: held for review"),
        _(
            "%(what)s was held by our security checks before anything was charged or moved. Our team reviews "
            "it, usually within one working day. Once it is approved, repeat it with the same amount and it "
            "will go through. If you did not do this, change your password and contact support (case %(case)s)."
        ),
    ),
    "suspend": (
        _("Payment risk warning: transaction suspended"),
        _(
            "%(what)s was stopped by our security checks; nothing was charged or moved. If it was you, contact "
            "support with case %(case)s. If it was not, change your password now."
        ),
    ),
    "freeze": (
        _("Payment risk warning: account frozen"),
        _(
            "%(what)s made our security checks freeze your organization's payments, refund requests and "
            "payouts. Nothing was charged or moved. Contact support with case %(case)s: our team checks the "
            "activity with you and unfreezes the account."
        ),
    ),
}


def render_text(case: RiskCase) -> Text:
    title, body = TEXTS.get(case.outcome, TEXTS["suspend"])
    action = str(Kind(case.kind).label) if case.kind in Kind.values else case.kind
    what = f"{action} ({format_amount(case.amount, case.currency)})" if case.amount and case.currency else action
    return Text(title=str(title), body=str(body) % {"what": what, "case": case.id})


def _claim(case_id: str) -> bool:
    return RiskCase.objects.filter(pk=case_id, relayed_at__isnull=True).update(relayed_at=clock.now()) == 1


@transaction.atomic
def relay_risk_case(case_id: str) -> bool:
    """Create the notices and emails of one case; False if it was relayed already."""
    case = RiskCase.objects.filter(pk=case_id).first()
    if case is None or not _claim(case_id):
        return False
    side = "supplier" if case.kind in ("payout", "account_change") else "buyer"
    notices, emails = [], []
    for member in Membership.objects.filter(organization_id=case.organization_id, user__is_active=True).select_related(
        "user"
    ):
        notices.append(Notification(user=member.user, risk_case=case, side=side, created_at=case.created_at))
        emails.append(EmailDelivery(risk_case=case, user=member.user, side=side, to_address=member.user.email))
    Notification.objects.bulk_create(notices, ignore_conflicts=True)
    EmailDelivery.objects.bulk_create(emails, ignore_conflicts=True)
    for email in emails:
        jobs.defer(SEND_EMAIL_TASK, queue="notifications", email_id=email.id)
    return True


def relay_missed(limit: int = 200) -> int:
    relayed = 0
    closed = RiskCase.objects.filter(relayed_at__isnull=True).exclude(outcome="allow").order_by("created_at")
    for case_id in closed.values_list("id", flat=True)[:limit]:
        try:
            relayed += relay_risk_case(case_id)
        except Exception:
            logger.exception("Could not relay risk case %s", case_id)
    return relayed


def render_notification(notification: Notification) -> dict[str, Any]:
    case = notification.risk_case
    assert case is not None
    text = render_text(case)
    return {
        "id": notification.id,
        "type": f"risk.{case.outcome}",
        "order_id": None,
        "inspection_id": None,
        "link": reverse("web:notifications"),
        "title": text.title,
        "body": text.body,
        "read": notification.read_at is not None,
        "read_at": notification.read_at,
        "created_at": notification.created_at,
    }


def compose(email: EmailDelivery) -> EmailMultiAlternatives:
    case, user = email.risk_case, email.user
    assert case is not None
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        text = render_text(case)
        base = settings.TRADESHIELD_PUBLIC_URL.rstrip("/")
        context = {
            "user": user,
            "title": text.title,
            "body": text.body,
            "page_url": base + reverse("web:notifications"),
            "notifications_url": base + reverse("web:notifications"),
            "organization": Organization.objects.filter(pk=case.organization_id).first(),
        }
        message = EmailMultiAlternatives(
            subject=text.title,
            body=render_to_string("notifications/email/supplier_event.txt", context),
            to=[email.to_address],
            headers={"Auto-Submitted": "auto-generated", "X-TradeShield-Risk-Case": case.id},
        )
        message.attach_alternative(render_to_string("notifications/email/supplier_event.html", context), "text/html")
    return message
