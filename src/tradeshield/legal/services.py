"""Asking a partner law firm about an order, and the conversation on the case."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tradeshield.disputes.models import Dispute
from tradeshield.files import services as files
from tradeshield.kit import jobs
from tradeshield.kit.errors import Forbidden, Invalid
from tradeshield.legal.bundle import build_bundle
from tradeshield.legal.models import MAX_BODY, Consultation, ConsultationMessage
from tradeshield.legal.selectors import consultation_get, legal_partners
from tradeshield.orders.selectors import order_get
from tradeshield.organizations.actors import Actor

BUNDLE_TYPES = {"application/zip"}
NOTIFY_TASK = "legal.notify_message"  # legal/tasks.py


def _label(actor: Actor) -> str:
    if actor.user is not None:
        return actor.user.email
    return f"API key {actor.api_key_id}"


def _body(body: str) -> str:
    body = body.strip()
    if not body:
        raise Invalid(_("Write a message."), field="body", code="message_empty")
    if len(body) > MAX_BODY:
        raise Invalid(
            ngettext(
                "Messages are limited to %(limit)s character.",
                "Messages are limited to %(limit)s characters.",
                MAX_BODY,
            )
            % {"limit": MAX_BODY},
            field="body",
            code="message_too_long",
        )
    return body


def consultation_request(actor: Actor, *, order_id: str, firm_id: str, question: str) -> Consultation:
    """A party of the order sends the order's evidence bundle and a first question to a partner firm."""
    order = order_get(actor, order_id)  # strangers: 404
    if actor.organization is None:
        raise Forbidden(_("Only a party of the order can ask for legal consultation."), code="not_a_party")
    firm = legal_partners().filter(pk=firm_id).first()
    if firm is None:
        raise Invalid(_("No such legal partner."), field="firm_id", code="unknown_legal_partner")
    body = _body(question)
    bundle = build_bundle(order)
    dispute = Dispute.objects.filter(order=order).order_by("-created_at").first()
    with transaction.atomic():
        stored = files.file_store(
            data=bundle.data,
            name=bundle.filename,
            purpose="legal_bundle",
            organization=actor.organization,
            uploaded_by=actor.user,
            allowed_types=BUNDLE_TYPES,
        )
        consultation = Consultation.objects.create(
            order=order,
            dispute_id=dispute.id if dispute else "",
            requester=actor.organization,
            requested_by=actor.user,
            firm=firm,
            bundle=stored,
        )
        first = ConsultationMessage.objects.create(
            consultation=consultation,
            organization=actor.organization,
            author=actor.user,
            author_label=_label(actor),
            body=body,
        )
        jobs.defer(NOTIFY_TASK, queue="notifications", message_id=first.id)  # the firm's lawyers
    return consultation


def consultation_message(actor: Actor, *, consultation_id: str, body: str) -> ConsultationMessage:
    consultation = consultation_get(actor, consultation_id)
    assert actor.organization is not None  # consultation_get shows consultations to organizations only
    text = _body(body)
    with transaction.atomic():
        message = ConsultationMessage.objects.create(
            consultation=consultation,
            organization=actor.organization,
            author=actor.user,
            author_label=_label(actor),
            body=text,
        )
        jobs.defer(NOTIFY_TASK, queue="notifications", message_id=message.id)  # the other side
    return message
