from tradeshield.kit.errors import Conflict, Forbidden, Invalid, NotFound


class OrderNotFound(NotFound):
    code = "order_not_found"


class OrderStateError(Conflict):
    """An action the order's current status does not allow. `code` names the action."""


class TermsChanged(Conflict):
    code = "terms_changed"


class OrderInvalid(Invalid):
    code = "order_invalid"


class WrongParty(Forbidden):
    code = "wrong_party"


class StaffReadOnly(Forbidden):
    code = "staff_read_only"


class AmendmentNotFound(NotFound):
    code = "amendment_not_found"
