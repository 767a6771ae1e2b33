from tradeshield.kit.errors import Conflict, Forbidden, Invalid, NotFound


class ReviewNotFound(NotFound):
    code = "review_not_found"


class ReviewInvalid(Invalid):
    code = "review_invalid"


class ReviewConflict(Conflict):
    """Already done, or the order is not in a state that allows it; `code` says which."""

    code = "review_conflict"


class ReviewForbidden(Forbidden):
    code = "review_forbidden"
