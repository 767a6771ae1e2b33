from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from tradeshield.kit.schemas import StrictIn

PriorityIn = Literal["urgent", "high", "normal", "low"]


class TicketIn(StrictIn):
    subject: str = Field(..., max_length=200)
    body: str
    priority: PriorityIn = "normal"


class TicketMessageIn(StrictIn):
    body: str


class CallIn(StrictIn):
    caller: str
    summary: str
    duration_seconds: int = Field(..., ge=0)


class ReassignIn(StrictIn):
    assignee_id: str


class SurveyIn(StrictIn):
    rating: int
    comment: str = ""


class TicketMessageOut(Schema):
    id: int
    from_agent: bool
    channel: str
    body: str
    created_at: datetime


class TicketOut(Schema):
    id: str
    subject: str
    channel: str
    priority: str
    status: str
    language: str
    assignee_id: str | None
    created_at: datetime
    first_response_due: datetime
    resolution_due: datetime
    first_response_at: datetime | None
    closed_at: datetime | None
    rating: int | None


class TicketDetailOut(TicketOut):
    messages: list[TicketMessageOut]


class CallOut(Schema):
    id: int
    caller: str
    summary: str
    duration_seconds: int
    created_at: datetime
