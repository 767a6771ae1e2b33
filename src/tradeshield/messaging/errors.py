from tradeshield.kit.errors import Forbidden, Invalid, NotFound


class ThreadNotFound(NotFound):
    code = "thread_not_found"


class MessageInvalid(Invalid):
    code = "message_invalid"


class MessagingForbidden(Forbidden):
    """Known, but this organization or role may not do it; `code` says why."""

    code = "messaging_forbidden"
