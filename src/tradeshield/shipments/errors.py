from tradeshield.kit.errors import Invalid, NotFound


class ShipmentNotFound(NotFound):
    code = "shipment_not_found"


class ShipmentInvalid(Invalid):
    code = "shipment_invalid"


class QuantityExceeded(Invalid):
    code = "quantity_exceeds_remaining"


class EventInvalid(Invalid):
    code = "event_invalid"


class EventInFuture(Invalid):
    code = "event_in_future"


class CsvInvalid(Invalid):
    code = "csv_row_invalid"
