from tradeshield.kit.errors import Conflict, DomainError, Invalid, NotFound


class PaymentNotFound(NotFound):
    code = "payment_not_found"


class PaymentDeclined(DomainError):
    code = "payment_declined"
    status = 402


class PaymentMethodUnavailable(Invalid):
    code = "payment_method_unavailable"


class PaymentNotConfirmable(Conflict):
    code = "payment_not_confirmable"


class RefundExceedsHeld(Invalid):
    code = "refund_exceeds_held"


class BankReceiptInvalid(Invalid):
    code = "bank_receipt_invalid"


class SavedMethodNotFound(NotFound):
    code = "saved_method_not_found"


class PaymentAboveLimit(Invalid):
    code = "payment_above_method_limit"


class FxRateUnavailable(Invalid):
    code = "fx_rate_missing"


class FxRateStale(Invalid):
    code = "fx_rate_stale"


class FxFileInvalid(Invalid):
    code = "fx_file_invalid"
