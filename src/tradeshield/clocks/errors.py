from tradeshield.kit.errors import Invalid, NotFound


class TestClockNotFound(NotFound):
    code = "test_clock_not_found"


class ClockCannotGoBack(Invalid):
    code = "clock_cannot_go_back"
