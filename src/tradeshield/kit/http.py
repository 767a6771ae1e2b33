"""Small HTTP helpers shared by every domain's API."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.http import JsonResponse

from tradeshield.kit.errors import DomainError

T = TypeVar("T")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    return max(1, min(MAX_LIMIT, limit))


def page(items: Sequence[T], limit: int, cursor_of: Callable[[T], str], render: Callable[[T], Any]) -> dict[str, Any]:
    """A list response: items were fetched with limit + 1 rows to know if there is more."""
    more = len(items) > limit
    shown = list(items[:limit])
    return {"data": [render(i) for i in shown], "next_cursor": cursor_of(shown[-1]) if more and shown else None}


def error_response(error: DomainError) -> JsonResponse:
    response = JsonResponse(error.as_dict(), status=error.status)
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def error_json(status: int, code: str, message: str, field: str | None = None) -> JsonResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if field:
        body["field"] = field
    return JsonResponse({"error": body}, status=status)
