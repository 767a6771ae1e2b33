from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from tradeshield.kit.schemas import StrictIn
from tradeshield.legal.models import MAX_BODY


class ConsultationIn(StrictIn):
    firm_id: str = Field(..., max_length=40, description="A legal partner from GET /legal/partners.")
    question: str = Field(..., description=f"1 to {MAX_BODY} characters.")


class ConsultationMessageIn(StrictIn):
    body: str = Field(..., description=f"1 to {MAX_BODY} characters.")


class LegalPartnerOut(Schema):
    id: str
    name: str
    country: str


class ConsultationMessageOut(Schema):
    id: str
    organization_id: str
    author: str
    body: str
    created_at: datetime


class ConsultationOut(Schema):
    id: str
    order_id: str
    dispute_id: str
    requester_id: str
    firm_id: str
    bundle_file_id: str
    bundle_sha256: str
    created_at: datetime
    messages: list[ConsultationMessageOut]
