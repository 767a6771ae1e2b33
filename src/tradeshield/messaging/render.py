"""API shapes of threads and messages."""

from __future__ import annotations

from typing import Any

from tradeshield.messaging.models import Message, Thread


def render_thread(thread: Thread) -> dict[str, Any]:
    return {
        "id": thread.id,
        "kind": thread.kind,
        "buyer_id": thread.buyer_id,
        "buyer_name": thread.buyer.name,
        "supplier_id": thread.supplier_id,
        "supplier_name": thread.supplier.name,
        "order_id": thread.order_id,
        "subject": thread.subject,
        "product": thread.product,
        "quantity": thread.quantity,
        "unread": int(getattr(thread, "unread", 0) or 0),
        "created_at": thread.created_at,
        "updated_at": thread.last_message_at,
    }


def render_message(message: Message, thread: Thread) -> dict[str, Any]:
    return {
        "id": message.id,
        "thread_id": message.thread_id,
        "organization_id": message.organization_id,
        "organization_name": message.organization.name,
        "side": thread.side_of(message.organization_id),
        "author": message.author_label,
        "body": message.body,
        "attachments": [
            {"id": f.id, "name": f.name, "content_type": f.content_type, "size": f.size, "sha256": f.sha256}
            for f in message.attachments.all()
        ],
        "created_at": message.created_at,
        "updated_at": message.created_at,
    }
