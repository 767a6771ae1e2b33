from __future__ import annotations

from tradeshield.kit.errors import DomainError, Forbidden


class TooManyAttempts(DomainError):
    """429 with Retry-After: the account or the address is locked out for a while."""

    code = "too_many_attempts"
    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ReauthRequired(Forbidden):
    code = "reauth_required"
