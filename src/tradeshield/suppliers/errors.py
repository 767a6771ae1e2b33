from tradeshield.kit.errors import Conflict, Forbidden, Invalid, NotFound


class ApplicationNotFound(NotFound):
    code = "application_not_found"


class VerificationNotFound(NotFound):
    code = "verification_not_found"


class SupplierNotFound(NotFound):
    code = "supplier_not_found"


class DocumentNotFound(NotFound):
    code = "document_not_found"


class QualificationInvalid(Invalid):
    code = "qualification_invalid"


class ApplicationStateError(Conflict):
    """The application is not in a state that allows this action; `code` names the action."""


class ReviewerRequired(Forbidden):
    code = "reviewer_required"


class SupplierNotQualified(Forbidden):
    """Raised on the order path: only an approved supplier with a valid business license trades."""

    code = "supplier_not_qualified"
