from __future__ import annotations

from typing import Any

from tradeshield.kit.errors import Conflict, DomainError, Forbidden, Invalid, NotFound


class RiskRefused(DomainError):
    """The action was refused by risk screening. `records` are the assessment (and case, freeze) to
    write once the action's transaction has rolled back (`services.screened`)."""

    def __init__(self, message: str, *, records: list[Any] | None = None, case: Any = None) -> None:
        super().__init__(message)
        self.records = records or []
        self.case = case


class ReviewPending(RiskRefused):
    code = "risk_review_pending"
    status = 409


class TransactionSuspended(RiskRefused):
    code = "transaction_suspended"
    status = 403


class AccountFrozen(RiskRefused):
    code = "account_frozen"
    status = 403


class RiskForbidden(Forbidden):
    code = "forbidden_role"


class RiskCaseNotFound(NotFound):
    code = "risk_case_not_found"


class RiskStateError(Conflict):
    code = "risk_case_not_pending"


class RiskInvalid(Invalid):
    code = "invalid"
