"""Reads of conversations, scoped to the acting organization, and the response metrics in SQL.

Inquiries are private to their two organizations. Order conversations are also readable by platform
staff (read-only), like the order itself. Anyone else gets a 404, as for a missing thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tradeshield.files.models import StoredFile
from tradeshield.messaging.errors import ThreadNotFound
from tradeshield.messaging.models import Message, Thread, ThreadKind, ThreadRead
from tradeshield.organizations.actors import Actor

RESPONSE_WINDOW = timedelta(days=30)
ANSWER_WITHIN = timedelta(hours=24)


def threads_visible_to(actor: Actor, *, kind: str | None = None) -> QuerySet[Thread]:
    rows = Thread.objects.select_related("buyer", "supplier", "order")
    if kind:
        rows = rows.filter(kind=kind)
    if actor.organization is not None:
        return rows.filter(Q(buyer_id=actor.org_id) | Q(supplier_id=actor.org_id))
    if actor.is_staff:
        return rows.filter(kind=ThreadKind.ORDER)
    return rows.none()


def _unread_messages(actor: Actor) -> QuerySet[Message]:
    """Messages from the other side that this person has not read (newer than their read marker)."""
    assert actor.user is not None
    read_at = ThreadRead.objects.filter(thread_id=OuterRef("thread_id"), user_id=actor.user.pk).values("last_read_at")[
        :1
    ]
    return (
        Message.objects.exclude(organization_id=actor.org_id)
        .annotate(read_at=Subquery(read_at))
        .filter(Q(read_at__isnull=True) | Q(created_at__gt=F("read_at")))
    )


def with_unread(rows: QuerySet[Thread], actor: Actor) -> QuerySet[Thread]:
    """Annotate `unread`: messages from the other side that this person has not read yet."""
    if actor.user is None or actor.organization is None:
        return rows.annotate(unread=Value(0))
    unread = (
        _unread_messages(actor)
        .filter(thread_id=OuterRef("pk"))
        .order_by()
        .values("thread_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return rows.annotate(unread=Coalesce(Subquery(unread), 0))


def inquiry_get(actor: Actor, thread_id: str) -> Thread:
    thread = threads_visible_to(actor, kind=ThreadKind.INQUIRY).filter(pk=thread_id).first()
    if thread is None:
        raise ThreadNotFound(_("No such conversation."))
    return thread


def thread_get(actor: Actor, thread_id: str) -> Thread:
    thread = with_unread(threads_visible_to(actor), actor).filter(pk=thread_id).first()
    if thread is None:
        raise ThreadNotFound(_("No such conversation."))
    return thread


def inquiry_list(actor: Actor, *, cursor: str | None = None, limit: int = 20) -> list[Thread]:
    """Newest inquiry first (ids are time-ordered, so the cursor is the last id shown)."""
    rows = with_unread(threads_visible_to(actor, kind=ThreadKind.INQUIRY), actor).order_by("-id")
    if cursor:
        rows = rows.filter(id__lt=cursor)
    return list(rows[:limit])


def inbox(actor: Actor, *, offset: int = 0, limit: int = 25, unread_only: bool = False) -> list[Thread]:
    """Every conversation of the organization, most recent activity first (the web inbox)."""
    rows = with_unread(threads_visible_to(actor), actor).order_by("-last_message_at", "-id")
    if unread_only:
        rows = rows.filter(unread__gt=0)  # type: ignore[misc]
    return list(rows[offset : offset + limit])


def messages_of(thread: Thread, *, after: str | None = None, limit: int = 100) -> list[Message]:
    """Oldest first; `after` is the id of the last message already shown (ids are time-ordered)."""
    rows = (
        Message.objects.filter(thread=thread)
        .select_related("organization")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    if after:
        rows = rows.filter(id__gt=after)
    return list(rows[:limit])


def order_thread(actor: Actor, order_id: str) -> Thread | None:
    """The order's conversation if it has started (the caller has already checked the order is visible)."""
    return with_unread(threads_visible_to(actor, kind=ThreadKind.ORDER), actor).filter(order_id=order_id).first()


@dataclass(frozen=True)
class Unread:
    messages: int  # messages from the other side this person has not read
    awaiting_reply: int  # the organization's conversations whose last message came from the other side


def unread_counts(actor: Actor) -> Unread:
    if actor.organization is None:
        return Unread(0, 0)
    visible = threads_visible_to(actor)
    messages = 0
    if actor.user is not None:
        messages = _unread_messages(actor).filter(thread_id__in=visible.values("pk")).count()
    last_from_us = (
        Message.objects.filter(thread_id=OuterRef("pk")).order_by("-created_at", "-id").values("organization_id")[:1]
    )
    awaiting = visible.annotate(last_org=Subquery(last_from_us)).exclude(last_org=actor.org_id).count()
    return Unread(messages=messages, awaiting_reply=awaiting)


def attachment_visible(actor: Actor, stored: StoredFile) -> bool:
    """Whether a stored file is attached to a message of a conversation the actor may read."""
    attached = Message.attachments.through.objects.filter(storedfile_id=stored.pk, message__thread_id=OuterRef("pk"))
    return threads_visible_to(actor).filter(Exists(attached)).exists()


# ---------------------------------------------------------------------------------------------------------------
# Response metrics (what the credit rating and the directory read)


@dataclass(frozen=True)
class ResponseMetrics:
    supplier_id: str
    received: int  # inquiries received in the window
    answered_within_24h: int  # whose first supplier reply came within 24 h of the inquiry
    answered: int  # answered at all (by `now`)
    pending: int  # not answered yet, and received less than 24 h ago: they can still count as on time
    median_first_response_seconds: float | None  # over answered inquiries

    @property
    def response_rate(self) -> Decimal | None:
        """Answered within 24 h ÷ received; None when nothing was received."""
        if not self.received:
            return None
        return (Decimal(self.answered_within_24h) / self.received).quantize(Decimal("0.0001"))

    @property
    def median_first_response(self) -> timedelta | None:
        seconds = self.median_first_response_seconds
        return None if seconds is None else timedelta(seconds=seconds)


METRICS_SQL = f"""
WITH inquiry AS (
    SELECT t.supplier_id,
           t.created_at AS received_at,
           (SELECT min(m.created_at) FROM {Message._meta.db_table} m
             WHERE m.thread_id = t.id AND m.organization_id = t.supplier_id AND m.created_at <= %(now)s)
               AS first_reply_at
      FROM {Thread._meta.db_table} t
     WHERE t.kind = 'inquiry'
       AND t.supplier_id = ANY(%(suppliers)s)
       AND t.created_at > %(since)s AND t.created_at <= %(now)s
)
SELECT supplier_id,
       count(*) AS received,
       count(*) FILTER (WHERE first_reply_at <= received_at + %(within)s) AS answered_within_24h,
       count(first_reply_at) AS answered,
       count(*) FILTER (WHERE first_reply_at IS NULL AND received_at > %(now)s - %(within)s) AS pending,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_reply_at - received_at))
           FILTER (WHERE first_reply_at IS NOT NULL) AS median_seconds
  FROM inquiry
 GROUP BY supplier_id
"""


def response_metrics(supplier_ids: list[str], *, now: datetime) -> dict[str, ResponseMetrics]:
    """Per supplier, over the 30 days before `now`, in one query. Suppliers without inquiries get zeros."""
    ids = sorted(set(supplier_ids))
    out = {sid: ResponseMetrics(sid, 0, 0, 0, 0, None) for sid in ids}
    if not ids:
        return out
    with connection.cursor() as cur:
        cur.execute(
            METRICS_SQL,
            {"suppliers": ids, "now": now, "since": now - RESPONSE_WINDOW, "within": ANSWER_WITHIN},  # type: ignore[dict-item]
        )
        for supplier_id, received, on_time, answered, pending, median in cur.fetchall():
            out[supplier_id] = ResponseMetrics(
                supplier_id=supplier_id,
                received=received,
                answered_within_24h=on_time,
                answered=answered,
                pending=pending,
                median_first_response_seconds=None if median is None else float(median),
            )
    return out
