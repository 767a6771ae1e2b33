"""Conversation endpoints: inquiries, order conversations, attachments, unread counts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Status
from ninja.files import UploadedFile

from tradeshield.files import services as files
from tradeshield.kit.http import clamp_limit, page
from tradeshield.kit.schemas import ERROR_RESPONSES, Page
from tradeshield.messaging import selectors, services
from tradeshield.messaging.render import render_message, render_thread
from tradeshield.messaging.schemas import AttachmentOut, InquiryIn, MessageIn, MessageOut, ThreadOut, UnreadOut
from tradeshield.messaging.selectors import inquiry_get, thread_get
from tradeshield.orders.selectors import order_get
from tradeshield.organizations.auth import API_AUTH, actor_of

router = Router(tags=["messaging"], auth=API_AUTH)
ERRORS = ERROR_RESPONSES


@router.post(
    "/inquiries",
    response={201: ThreadOut, **ERRORS},
    summary="A buyer writes to a supplier: starts an inquiry thread with its first message",
)
def create_inquiry(request: HttpRequest, payload: InquiryIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    thread = services.inquiry_create(actor=actor, **payload.model_dump())
    return Status(201, render_thread(thread_get(actor, thread.id)))


@router.get("/inquiries", response={200: Page[ThreadOut], **ERRORS}, summary="Your organization's inquiries")
def list_inquiries(request: HttpRequest, cursor: str | None = None, limit: int | None = None) -> dict[str, Any]:
    size = clamp_limit(limit)
    rows = selectors.inquiry_list(actor_of(request), cursor=cursor, limit=size + 1)
    return page(rows, size, lambda t: t.id, render_thread)


@router.get("/inquiries/{thread_id}", response={200: ThreadOut, **ERRORS})
def get_inquiry(request: HttpRequest, thread_id: str) -> dict[str, Any]:
    actor = actor_of(request)
    inquiry_get(actor, thread_id)
    return render_thread(thread_get(actor, thread_id))


@router.get(
    "/inquiries/{thread_id}/messages",
    response={200: Page[MessageOut], **ERRORS},
    summary="Messages oldest first; the cursor is the last message id seen",
)
def inquiry_messages(
    request: HttpRequest, thread_id: str, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    thread = inquiry_get(actor_of(request), thread_id)
    size = clamp_limit(limit)
    rows = selectors.messages_of(thread, after=cursor, limit=size + 1)
    return page(rows, size, lambda m: m.id, lambda m: render_message(m, thread))


@router.post("/inquiries/{thread_id}/messages", response={201: MessageOut, **ERRORS}, summary="Reply")
def reply_inquiry(request: HttpRequest, thread_id: str, payload: MessageIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    message = services.inquiry_reply(actor=actor, thread_id=thread_id, **payload.model_dump())
    return Status(201, render_message(message, inquiry_get(actor, thread_id)))


@router.post("/inquiries/{thread_id}/read", response={200: ThreadOut, **ERRORS}, summary="Mark the thread read for you")
def read_inquiry(request: HttpRequest, thread_id: str) -> dict[str, Any]:
    actor = actor_of(request)
    services.thread_mark_read(actor=actor, thread=inquiry_get(actor, thread_id))
    return render_thread(thread_get(actor, thread_id))


@router.get(
    "/orders/{order_id}/messages",
    response={200: Page[MessageOut], **ERRORS},
    summary="The order's conversation, oldest first (staff: read-only)",
)
def order_messages(
    request: HttpRequest, order_id: str, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    actor = actor_of(request)
    order = order_get(actor, order_id)
    thread = selectors.order_thread(actor, order.id)
    if thread is None:
        return {"data": [], "next_cursor": None}
    size = clamp_limit(limit)
    rows = selectors.messages_of(thread, after=cursor, limit=size + 1)
    return page(rows, size, lambda m: m.id, lambda m: render_message(m, thread))


@router.post(
    "/orders/{order_id}/messages",
    response={201: MessageOut, **ERRORS},
    summary="Write to the other side of the order; they are notified in the app and by email",
)
def post_order_message(request: HttpRequest, order_id: str, payload: MessageIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    message = services.order_message_post(actor=actor, order_id=order_id, **payload.model_dump())
    thread = thread_get(actor, message.thread_id)
    return Status(201, render_message(message, thread))


@router.post(
    "/message-attachments",
    response={201: AttachmentOut, **ERRORS},
    summary="Upload a file (JPEG, PNG, WebP or PDF, up to 10 MB) to attach to a message",
)
def upload_attachment(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    stored = services.attachment_upload(
        actor=actor_of(request), data=file.read(files.MAX_BYTES + 1), name=file.name or "attachment"
    )
    body = {
        "id": stored.id,
        "name": stored.name,
        "content_type": stored.content_type,
        "size": stored.size,
        "sha256": stored.sha256,
    }
    return Status(201, body)


@router.get("/messages/unread-count", response={200: UnreadOut, **ERRORS}, summary="Unread messages")
def unread(request: HttpRequest) -> dict[str, Any]:
    counts = selectors.unread_counts(actor_of(request))
    return {"messages": counts.messages, "awaiting_reply": counts.awaiting_reply}
