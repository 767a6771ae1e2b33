"""Supplier qualification and verification events (`suppliers.SupplierEvent`) as notices and emails.

The same outbox pattern as order events: `suppliers.services.record_event` defers
`notifications.relay_supplier_event` in the event's transaction; the relay claims the event by
compare-and-set on `supplier_event.relayed_at` and creates one in-app notice and one email per active
member of the supplier (and of the agency, for visit requests), each unique per (event, person).
Events carry no webhook: integrators subscribe to order events only, for now.
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
from tradeshield.notifications.models import EmailDelivery, Notification
from tradeshield.notifications.text import Text
from tradeshield.organizations.models import Membership, Organization
from tradeshield.suppliers.models import SupplierEvent

logger = logging.getLogger(__name__)
SEND_EMAIL_TASK = "notifications.send_email"

# kind → (title, body, email the supplier?, tell the agency named in data["agency_id"]?)
TEXTS: dict[str, tuple[Promise, Promise, bool, bool]] = {
    "application.grandfathered": (
        _("File your qualification application"),
        _(
            "Suppliers now need an approved qualification to issue trade-assurance orders. You keep trading "
            "until %(valid_to)s; file an application with your business license before then."
        ),
        True,
        False,
    ),
    "application.submitted": (
        _("Qualification application submitted"),
        _("Your qualification application is waiting for a reviewer."),
        False,
        False,
    ),
    "application.resubmitted": (
        _("Qualification application resubmitted"),
        _("Your updated qualification application is waiting for a reviewer."),
        False,
        False,
    ),
    "application.approved": (
        _("Qualification approved"),
        _("Your supplier qualification is approved: you can now issue trade-assurance orders."),
        True,
        False,
    ),
    "application.rejected": (
        _("Qualification rejected"),
        _("Your qualification application was rejected. Reasons: %(reasons)s"),
        True,
        False,
    ),
    "application.info_requested": (
        _("More information needed for your qualification"),
        _("The reviewer asks for more information: %(reasons)s Edit your application and submit it again."),
        True,
        False,
    ),
    "qualification.restored": (
        _("Trade-assurance eligibility restored"),
        _("Your new business license is approved; you can issue trade-assurance orders again."),
        True,
        False,
    ),
    "qualification.expiring": (
        _("Qualification document expiring"),
        _("%(label)s expires on %(valid_to)s (in %(days_left)s days). File a renewed one in time."),
        True,
        False,
    ),
    "qualification.item_expired": (
        _("Qualification document expired"),
        _("%(label)s expired on %(valid_to)s. It is no longer shown to buyers; file a renewed one."),
        True,
        False,
    ),
    "qualification.suspended": (
        _("Trade-assurance eligibility suspended"),
        _(
            "Your business license %(label)s expired on %(valid_to)s, so you cannot issue trade-assurance orders "
            "until a valid license is approved. File a new application with the renewed license."
        ),
        True,
        False,
    ),
    "verification.requested": (
        _("On-site verification requested"),
        _("%(supplier)s asks for an on-site verification visit."),
        False,
        True,
    ),
    "verification.accepted": (
        _("Verification visit scheduled"),
        _("The agency will visit your factory on %(planned_date)s."),
        True,
        False,
    ),
    "verification.declined": (
        _("Verification visit declined"),
        _("The agency declined the verification visit: %(reasons)s"),
        True,
        False,
    ),
    "verification.reported": (
        _("Your factory is verified"),
        _("The on-site verification report is filed; buyers see your verified badge from %(visited_on)s."),
        True,
        False,
    ),
}
FALLBACK = (_("Qualification updated"), _("%(kind)s"), False, False)


def render_text(event: SupplierEvent, side: str) -> Text:
    title, body, _email, _agency = TEXTS.get(event.kind, FALLBACK)
    data: dict[str, Any] = dict(event.data or {})
    values = {
        "reasons": event.reasons or "—",
        "label": str(data.get("label", "")),
        "valid_to": str(data.get("valid_to", "")),
        "days_left": str(data.get("days_left", "")),
        "planned_date": str(data.get("planned_date", "")),
        "visited_on": str(data.get("visited_on", "")),
        "supplier": event.supplier.name,
        "kind": event.kind,
    }
    return Text(title=str(title), body=(str(body) % values).strip())


def link(event: SupplierEvent, side: str) -> str:
    visit = (event.data or {}).get("verification_id")
    if visit and (side == "agency" or event.kind.startswith("verification.")):
        return reverse("web:verification_detail", args=[visit])
    return reverse("web:qualification")


def _claim(event_id: int) -> bool:
    return SupplierEvent.objects.filter(pk=event_id, relayed_at__isnull=True).update(relayed_at=clock.now()) == 1


@transaction.atomic
def relay_supplier_event(event_id: int) -> bool:
    """Create the notices and emails of one event; False if it was relayed already."""
    event = SupplierEvent.objects.select_related("supplier").filter(pk=event_id).first()
    if event is None or not _claim(event_id):
        return False
    _title, _body, email_supplier, tell_agency = TEXTS.get(event.kind, FALLBACK)
    audiences: list[tuple[str, str, bool]] = []
    if tell_agency and (event.data or {}).get("agency_id"):
        audiences.append((str(event.data["agency_id"]), "agency", True))
    else:
        audiences.append((event.supplier_id, "supplier", email_supplier))
    notices, emails = [], []
    for org_id, side, by_email in audiences:
        for member in Membership.objects.filter(organization_id=org_id, user__is_active=True).select_related("user"):
            if member.user.email == event.actor:
                continue
            notices.append(Notification(user=member.user, supplier_event=event, side=side, created_at=event.created_at))
            if by_email:
                emails.append(
                    EmailDelivery(supplier_event=event, user=member.user, side=side, to_address=member.user.email)
                )
    Notification.objects.bulk_create(notices, ignore_conflicts=True)
    EmailDelivery.objects.bulk_create(emails, ignore_conflicts=True)
    for email in emails:
        jobs.defer(SEND_EMAIL_TASK, queue="notifications", email_id=email.id)
    return True


def relay_missed(limit: int = 200) -> int:
    relayed = 0
    for event_id in (
        SupplierEvent.objects.filter(relayed_at__isnull=True).order_by("id").values_list("id", flat=True)[:limit]
    ):
        try:
            relayed += relay_supplier_event(event_id)
        except Exception:
            logger.exception("Could not relay supplier event %s", event_id)
    return relayed


def render_notification(notification: Notification) -> dict[str, Any]:
    event = notification.supplier_event
    assert event is not None
    text = render_text(event, notification.side)
    return {
        "id": notification.id,
        "type": event.kind,
        "order_id": None,
        "inspection_id": None,
        "link": link(event, notification.side),
        "title": text.title,
        "body": text.body,
        "read": notification.read_at is not None,
        "read_at": notification.read_at,
        "created_at": notification.created_at,
    }


def compose(email: EmailDelivery) -> EmailMultiAlternatives:
    event, user = email.supplier_event, email.user
    assert event is not None
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        text = render_text(event, email.side)
        base = settings.TRADESHIELD_PUBLIC_URL.rstrip("/")
        org_id = (event.data or {}).get("agency_id") if email.side == "agency" else event.supplier_id
        context = {
            "user": user,
            "title": text.title,
            "body": text.body,
            "page_url": base + link(event, email.side),
            "notifications_url": base + reverse("web:notifications"),
            "organization": Organization.objects.filter(pk=org_id).first() or event.supplier,
        }
        message = EmailMultiAlternatives(
            subject=text.title,
            body=render_to_string("notifications/email/supplier_event.txt", context),
            to=[email.to_address],
            headers={"Auto-Submitted": "auto-generated", "X-TradeShield-Supplier": event.supplier_id},
        )
        message.attach_alternative(render_to_string("notifications/email/supplier_event.html", context), "text/html")
    return message
