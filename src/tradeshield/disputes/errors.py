from tradeshield.kit.errors import Conflict, Forbidden, Invalid, NotFound


class DisputeNotFound(NotFound):
    code = "dispute_not_found"


class DisputeStateError(Conflict):
    """The dispute (or its order) is not in a state that allows this; `code` names why."""

    code = "dispute_state"


class DisputeInvalid(Invalid):
    code = "dispute_invalid"


class DisputeForbidden(Forbidden):
    code = "dispute_forbidden"
