"""Typed domain errors. Each maps to an HTTP status and a stable machine-readable code."""

from __future__ import annotations


class DomainError(Exception):
    code: str = "invalid_request"
    status: int = 400

    def __init__(
        self, message: str, *, field: str | None = None, code: str | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": str(self.message)}  # str(): a lazy translation
        if self.field:
            body["field"] = self.field
        return {"error": body}


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class Conflict(DomainError):
    code = "conflict"
    status = 409


class Invalid(DomainError):
    code = "invalid"
    status = 422


class Unauthenticated(DomainError):
    code = "unauthenticated"
    status = 401
