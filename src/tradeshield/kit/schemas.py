"""Schema pieces every API shares: strict input, Money, errors, list pages."""

from __future__ import annotations

from typing import Generic, TypeVar

from ninja import Schema
from pydantic import ConfigDict, Field

T = TypeVar("T")


class StrictIn(Schema):
    """Input schemas refuse unknown fields, so a typo is an error instead of being ignored."""

    model_config = ConfigDict(extra="forbid")


class MoneySchema(StrictIn):
    amount: int = Field(..., description="Integer minor units of the currency (cents, yen, fils).")
    currency: str = Field(..., min_length=3, max_length=3, description="ISO 4217 code.")


class ErrorBody(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    error: ErrorBody


class Page(Schema, Generic[T]):
    data: list[T]
    next_cursor: str | None


def money(amount: int, currency: str) -> dict[str, object]:
    return {"amount": amount, "currency": currency}


# The error responses every endpoint documents.
ERROR_RESPONSES: dict[int, type[ErrorOut]] = {code: ErrorOut for code in (400, 401, 403, 404, 409, 422)}
