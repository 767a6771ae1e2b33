"""Writes of conversations: start an inquiry, reply, post on an order, upload an attachment, mark read.

One transaction per write. A message is appended, never changed. The other side hears about order
messages through the order's event log (`message.posted`, see notifications/catalogue.py); inquiry
threads have no order, so their unread counts are the in-app signal (see docs/domains/messaging.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection, transaction
from django.utils.translation import gettext as _

from tradeshield.files import services as files
from tradeshield.files.models import StoredFile
from tradeshield.kit import clock, jobs
from tradeshield.messaging.errors import MessageInvalid, MessagingForbidden, ThreadNotFound
from tradeshield.messaging.models import MAX_BODY, MAX_SUBJECT, Message, Thread, ThreadKind, ThreadRead
from tradeshield.messaging.selectors import inquiry_get
from tradeshield.orders.selectors import order_get
from tradeshield.orders.services import record_event
from tradeshield.organizations.actors import Actor
from tradeshield.organizations.models import Organization, OrgKind

ATTACHMENT_PURPOSE = "message_attachment"
ATTACHMENT_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
MAX_ATTACHMENTS = 5


def clean_body(body: str, *, field: str = "body") -> str:
    text = (body or "").strip()
    if not text:
        raise MessageInvalid(_("Write a message."), field=field, code="message_empty")
    if len(text) > MAX_BODY:
        raise MessageInvalid(
            _("A message is limited to %(max)s characters.") % {"max": MAX_BODY}, field=field, code="message_too_long"
        )
    return text


def _attachments(actor: Actor, ids: Sequence[str]) -> list[StoredFile]:
    wanted = list(dict.fromkeys(ids))
    if len(wanted) > MAX_ATTACHMENTS:
        raise MessageInvalid(
            _("At most %(max)s attachments per message.") % {"max": MAX_ATTACHMENTS},
            field="attachment_ids",
            code="too_many_attachments",
        )
    found = list(StoredFile.objects.filter(pk__in=wanted, organization_id=actor.org_id, purpose=ATTACHMENT_PURPOSE))
    if len(found) != len(wanted):
        raise MessageInvalid(
            _("An attachment is unknown or was not uploaded by your organization."),
            field="attachment_ids",
            code="attachment_invalid",
        )
    return found


def _append(actor: Actor, thread: Thread, body: str, attachments: list[StoredFile]) -> Message:
    assert actor.organization is not None
    now = clock.now()
    message = Message.objects.create(
        thread=thread,
        organization=actor.organization,
        author=actor.user,
        author_label=actor.label[:200],
        body=body,
        created_at=now,
    )
    if attachments:
        message.attachments.set(attachments)
    Thread.objects.filter(pk=thread.pk).update(last_message_at=now)
    thread.last_message_at = now
    if actor.user is not None:
        _read_up_to(thread.pk, str(actor.user.pk), now)
    return message


def _read_up_to(thread_id: str, user_id: str, moment: datetime) -> None:
    """Move the person's read marker forward (never back), race-free."""
    table = ThreadRead._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (thread_id, user_id, last_read_at) VALUES (%s, %s, %s) "
            f"ON CONFLICT (thread_id, user_id) DO UPDATE "
            f"SET last_read_at = GREATEST({table}.last_read_at, EXCLUDED.last_read_at)",
            [thread_id, user_id, moment],
        )


def _member_of_thread(actor: Actor, thread: Thread) -> None:
    if actor.organization is None or thread.side_of(actor.org_id) == "":
        # staff read order conversations but do not write in them
        raise MessagingForbidden(_("Platform staff read conversations; they do not post in them."), code="read_only")


@transaction.atomic
def inquiry_create(
    *,
    actor: Actor,
    supplier_id: str,
    subject: str,
    body: str,
    product: str = "",
    quantity: str = "",
    attachment_ids: Sequence[str] = (),
) -> Thread:
    """A buyer's member writes to a supplier organization."""
    if actor.organization is not None and supplier_id == actor.org_id:
        raise MessageInvalid(
            _("You cannot send an inquiry to your own organization."), field="supplier_id", code="own_organization"
        )
    if not actor.is_buyer_org:
        raise MessagingForbidden(_("Only buyer organizations send inquiries."), code="buyers_only")
    supplier = Organization.objects.filter(pk=supplier_id).first()
    if supplier is None:
        raise ThreadNotFound(_("No such supplier."), field="supplier_id", code="supplier_not_found")
    if supplier.kind != OrgKind.SUPPLIER:
        raise MessageInvalid(_("Inquiries go to supplier organizations."), field="supplier_id", code="not_a_supplier")
    subject = (subject or "").strip()
    if not subject:
        raise MessageInvalid(_("Give the inquiry a subject."), field="subject", code="subject_required")
    if len(subject) > MAX_SUBJECT:
        raise MessageInvalid(
            _("A subject is limited to %(max)s characters.") % {"max": MAX_SUBJECT},
            field="subject",
            code="subject_too_long",
        )
    text = clean_body(body)
    attachments = _attachments(actor, attachment_ids)
    assert actor.organization is not None
    now = clock.now()
    thread = Thread.objects.create(
        kind=ThreadKind.INQUIRY,
        buyer=actor.organization,
        supplier=supplier,
        subject=subject,
        product=(product or "").strip()[:200],
        quantity=(quantity or "").strip()[:100],
        started_by=actor.user,
        created_at=now,
        last_message_at=now,
    )
    _append(actor, thread, text, attachments)
    return thread


@transaction.atomic
def inquiry_reply(*, actor: Actor, thread_id: str, body: str, attachment_ids: Sequence[str] = ()) -> Message:
    """Either side continues an inquiry."""
    thread = inquiry_get(actor, thread_id)
    _member_of_thread(actor, thread)
    message = _append(actor, thread, clean_body(body), _attachments(actor, attachment_ids))
    if actor.org_id == thread.supplier_id:  # the supplier's replies make its response rate
        jobs.defer_credit_refresh(thread.supplier_id)
    return message


@transaction.atomic
def order_message_post(*, actor: Actor, order_id: str, body: str, attachment_ids: Sequence[str] = ()) -> Message:
    """Post in the order's conversation (started by the first message); the other side is notified."""
    order = order_get(actor, order_id)
    if actor.organization is None or actor.org_id not in (order.buyer_id, order.supplier_id):
        raise MessagingForbidden(_("Platform staff read conversations; they do not post in them."), code="read_only")
    text = clean_body(body)
    attachments = _attachments(actor, attachment_ids)
    thread, _created = Thread.objects.get_or_create(
        order=order,
        defaults={
            "kind": ThreadKind.ORDER,
            "buyer_id": order.buyer_id,
            "supplier_id": order.supplier_id,
            "subject": order.title[:MAX_SUBJECT],
            "started_by": actor.user,
        },
    )
    message = _append(actor, thread, text, attachments)
    record_event(order, "message.posted", actor, message_id=message.id, thread_id=thread.id)
    return message


def thread_mark_read(*, actor: Actor, thread: Thread) -> None:
    if actor.user is not None and thread.side_of(actor.org_id):
        _read_up_to(thread.pk, str(actor.user.pk), clock.now())


def attachment_upload(*, actor: Actor, data: bytes, name: str) -> StoredFile:
    if actor.organization is None or not actor.trades:
        raise MessagingForbidden(_("Only buyers and suppliers attach files to messages."), code="read_only")
    return files.file_store(
        data=data,
        name=name,
        purpose=ATTACHMENT_PURPOSE,
        organization=actor.organization,
        uploaded_by=actor.user,
        allowed_types=ATTACHMENT_TYPES,
    )
