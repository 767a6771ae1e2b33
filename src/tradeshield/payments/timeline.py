"""How long each method takes to move money, as shown to buyers (DESIGN.md defaults)."""

from __future__ import annotations

from datetime import date

from tradeshield.kit.clock import add_business_days, today

# method -> (min, max) business days until a refund reaches the buyer
REFUND_BUSINESS_DAYS = {"card": (12, 12), "bank_transfer": (3, 7), "echeck": (3, 4), "wallet": (1, 3), "credit": (0, 0)}
# method -> business days until funds from the buyer arrive
FUNDING_BUSINESS_DAYS = {"card": (0, 0), "bank_transfer": (3, 7), "echeck": (3, 4), "wallet": (0, 0), "credit": (0, 0)}


def refund_expected_by(method: str, start: date | None = None) -> date:
    return add_business_days(start or today(), REFUND_BUSINESS_DAYS[method][1])


def funds_expected_by(method: str, start: date | None = None) -> date:
    return add_business_days(start or today(), FUNDING_BUSINESS_DAYS[method][1])
