from __future__ import annotations

from tradeshield.kit.errors import Conflict, Invalid, NotFound


class PayoutAccountInvalid(Invalid):
    code = "payout_account_invalid"


class PayoutAccountNotFound(NotFound):
    code = "payout_account_not_found"


class PayoutNotFound(NotFound):
    code = "payout_not_found"


class PayoutRefused(Invalid):
    code = "payout_refused"


class PayoutConflict(Conflict):
    code = "payout_conflict"
