from tradeshield.kit.errors import Conflict, Invalid, NotFound


class InspectionNotFound(NotFound):
    code = "inspection_not_found"


class InspectionStateError(Conflict):
    """The inspection or its order is not in a state that allows this; `code` names why."""


class InspectionInvalid(Invalid):
    code = "inspection_invalid"


class AgencyNotFound(NotFound):
    code = "agency_not_found"
