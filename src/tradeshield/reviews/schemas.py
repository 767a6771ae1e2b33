from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from tradeshield.kit.schemas import StrictIn
from tradeshield.reviews.models import MAX_REASON, MAX_TEXT


class ReviewIn(StrictIn):
    product_quality: int = Field(..., description="1 (poor) to 5 (excellent).")
    delivery_time: int = Field(..., description="1 to 5.")
    service: int = Field(..., description="1 to 5.")
    text: str = Field("", max_length=MAX_TEXT)


class ReplyIn(StrictIn):
    text: str = Field(..., max_length=MAX_TEXT)


class ReasonIn(StrictIn):
    reason: str = Field(..., max_length=MAX_REASON)


class OptionalReasonIn(StrictIn):
    reason: str = Field("", max_length=MAX_REASON)


class ReplyOut(Schema):
    text: str
    author: str
    created_at: datetime


class ReviewOut(Schema):
    id: str
    order_id: str | None = Field(..., description="Shown to the order's two parties and staff only.")
    buyer_id: str
    buyer_name: str
    supplier_id: str
    product_quality: int
    delivery_time: int
    service: int
    text: str
    reply: ReplyOut | None
    status: str = Field(..., description='"visible" or "hidden".')
    hidden_reason: str | None = Field(None, description="Shown to staff and the order's parties.")
    created_at: datetime
    updated_at: datetime


class ReviewStatsOut(Schema):
    supplier_id: str
    count: int
    averages: dict[str, str | None] = Field(..., description="Per dimension, decimal strings.")
    overall: str | None


class ReviewReportOut(Schema):
    id: str
    review_id: str
    reason: str
    status: str = Field(..., description='"open", "dismissed" or "upheld".')
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
