from tradeshield.kit.errors import Conflict, Forbidden, Invalid, NotFound


class TicketNotFound(NotFound):
    code = "ticket_not_found"


class TicketClosed(Conflict):
    code = "ticket_closed"


class TicketNotClosed(Conflict):
    code = "ticket_not_closed"


class SurveyAlreadyAnswered(Conflict):
    code = "survey_already_answered"


class SupportForbidden(Forbidden):
    code = "support_forbidden"


class SupportInvalid(Invalid):
    code = "support_invalid"
