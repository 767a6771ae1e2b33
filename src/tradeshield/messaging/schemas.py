from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from tradeshield.kit.schemas import StrictIn
from tradeshield.messaging.models import MAX_BODY, MAX_SUBJECT

BODY = f"1 to {MAX_BODY} characters (longer: 422 message_too_long)."
ATTACHMENTS: list[str] = Field(
    default_factory=list, max_length=5, description="Ids from POST /message-attachments (your organization's uploads)."
)


class InquiryIn(StrictIn):
    supplier_id: str = Field(..., max_length=40, description="The supplier organization to write to.")
    subject: str = Field(..., max_length=MAX_SUBJECT)
    body: str = Field(..., description=BODY)
    product: str = Field("", max_length=200, description="The product asked about (optional).")
    quantity: str = Field("", max_length=100, description='Quantity wanted, free text (e.g. "5,000 pcs").')
    attachment_ids: list[str] = ATTACHMENTS


class MessageIn(StrictIn):
    body: str = Field(..., description=BODY)
    attachment_ids: list[str] = ATTACHMENTS


class AttachmentOut(Schema):
    id: str
    name: str
    content_type: str
    size: int
    sha256: str


class MessageOut(Schema):
    id: str
    thread_id: str
    organization_id: str
    organization_name: str
    side: str = Field(..., description='"buyer" or "supplier".')
    author: str
    body: str
    attachments: list[AttachmentOut]
    created_at: datetime
    updated_at: datetime = Field(..., description="Messages never change: the same as created_at.")


class ThreadOut(Schema):
    id: str
    kind: str = Field(..., description='"inquiry" or "order".')
    buyer_id: str
    buyer_name: str
    supplier_id: str
    supplier_name: str
    order_id: str | None
    subject: str
    product: str
    quantity: str
    unread: int = Field(..., description="Messages from the other side you have not read.")
    created_at: datetime
    updated_at: datetime = Field(..., description="Time of the last message.")


class UnreadOut(Schema):
    messages: int = Field(..., description="Messages from other organizations you have not read.")
    awaiting_reply: int = Field(..., description="Your organization's conversations whose last word is not yours.")
