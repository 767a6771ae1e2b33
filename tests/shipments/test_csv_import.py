"""CSV import of tracking events: all rows or none, bad rows named by row and column."""

from __future__ import annotations

from typing import Any

import pytest

from tests.shipments.support import ago, at, create_shipment, paid_order
from tradeshield.orders.models import Order
from tradeshield.shipments.models import ShipmentEvent

pytestmark = pytest.mark.django_db

HEADER = "tracking_number,kind,occurred_at,location,description,eta,event_id"


def upload(party: Any, text: str) -> Any:
    return party.client.client.post(
        "/api/v1/shipment-events/import",
        data=text.encode(),
        content_type="text/csv",
        headers={"Authorization": f"Bearer {party.client.token}"},
    )


def test_a_carrier_export_moves_shipments_and_repeats_are_skipped(buyer, supplier):
    order = paid_order(buyer, supplier)
    shipment = create_shipment(supplier, order["id"], tracking="MSCU7788").json()
    text = "\n".join(
        [
            HEADER,
            f"MSCU7788,departed,{ago(days=2)},Ningbo,Loaded on MSC Aurora,{at()},",
            f"MSCU7788,picked_up,{ago(days=3)},Factory gate,,,",
            "",  # blank lines are ignored
            f'MSCU7788,arrived_at_port,{ago(hours=5)},"Rotterdam, NL",Discharged,,EVT-9',
        ]
    )
    first = upload(supplier, text)
    assert first.status_code == 200, first.content
    assert first.json() == {"imported": 3, "duplicates": 0, "order_ids": [order["id"]]}
    events = list(ShipmentEvent.objects.filter(shipment_id=shipment["id"]).order_by("occurred_at"))
    assert [(e.kind, e.source) for e in events] == [
        ("picked_up", "csv"),
        ("departed", "csv"),
        ("arrived_at_port", "csv"),
    ]
    assert events[2].location == "Rotterdam, NL"
    assert Order.objects.get(pk=order["id"]).status == "shipped"

    again = upload(supplier, text)
    assert again.json() == {"imported": 0, "duplicates": 3, "order_ids": [order["id"]]}
    assert ShipmentEvent.objects.count() == 3


@pytest.mark.parametrize(
    ("rows", "field", "fragment"),
    [
        (["MSCU7788,sailed,{t},,,,"], "row 2: kind", "'sailed' is not one of"),
        (["MSCU7788,departed,{t},,,,", "MSCU7788,customs,yesterday,,,,"], "row 3: occurred_at", "RFC 3339"),
        (["MSCU7788,customs,2026-03-01T10:00:00,,,,"], "row 2: occurred_at", "RFC 3339"),
        (["MSCU7788,departed,{t},,,next week,"], "row 2: eta", "'next week'"),
        (["NOT-MINE,departed,{t},,,,"], "row 2: tracking_number", "none of your shipments"),
        (["MSCU7788,departed,2999-01-01T00:00:00Z,,,,"], "row 2: occurred_at", "future"),
        ([",departed,{t},,,,"], "row 2: tracking_number", "empty"),
        (["MSCU7788,departed,{t},,,,,extra"], "row 2: -", "more values"),
    ],
)
def test_a_bad_row_names_its_row_and_column_and_nothing_is_imported(buyer, supplier, rows, field, fragment):
    order = paid_order(buyer, supplier)
    create_shipment(supplier, order["id"], tracking="MSCU7788")
    good = f"MSCU7788,picked_up,{ago(days=1)},,,,"
    text = "\n".join([HEADER, *(r.format(t=ago(hours=1)) for r in rows), good])  # a good row after the bad one
    response = upload(supplier, text)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "csv_row_invalid"
    assert error["field"] == field
    assert fragment in error["message"]
    assert not ShipmentEvent.objects.exists()
    assert Order.objects.get(pk=order["id"]).status == "paid"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("", "row 1"),
        ("tracking_number,kind,occurred_at,colour\n", "row 1: colour"),
        ("tracking_number,occurred_at\nX,2026-01-01T00:00:00Z\n", "row 1: kind"),
        (HEADER + "\n", "row 2"),
    ],
)
def test_a_bad_header_or_empty_file_is_422(supplier, text, field):
    response = upload(supplier, text)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


def test_only_suppliers_import_and_only_into_their_own_shipments(buyer, supplier, other_buyer):
    order = paid_order(buyer, supplier)
    create_shipment(supplier, order["id"], tracking="MSCU7788")
    text = f"{HEADER}\nMSCU7788,departed,{ago(hours=1)},,,,\n"
    as_buyer = upload(buyer, text)
    assert as_buyer.status_code == 403 and as_buyer.json()["error"]["code"] == "wrong_party"
    assert upload(other_buyer, text).status_code == 403
    assert not ShipmentEvent.objects.exists()
    anonymous = supplier.client.client.post("/api/v1/shipment-events/import", data=text, content_type="text/csv")
    assert anonymous.status_code == 401
