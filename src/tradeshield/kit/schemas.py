"""Schema pieces every API shares: strict input, Money, errors, list pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

T = TypeVar("T")


def contains_nul(value: Any) -> bool:
    """Whether a string anywhere in `value` (nested lists and dicts too) has a NUL character, which
    PostgreSQL text cannot store."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(v) for v in value)
    return False


class StrictIn(Schema):
    """Input schemas refuse unknown fields, so a typo is an error instead of being ignored, and text
    with NUL characters, which the database would refuse with an error."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if contains_nul(value):
            raise ValueError(_("Text may not contain NUL (U+0000) characters."))
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        """Times are stored in UTC: PostgreSQL refuses UTC offsets beyond ±15:59 that Python accepts."""
        if isinstance(value, datetime) and value.tzinfo is not None:
            try:
                return value.astimezone(UTC)
            except OverflowError:
                raise ValueError(_("The time is out of range.")) from None
        return value


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
ERROR_RESPONSES: dict[int, type[ErrorOut]] = {code: ErrorOut for code in (400, 401, 403, 404, 409, 422, 429)}
