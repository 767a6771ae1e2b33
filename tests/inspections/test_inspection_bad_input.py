"""What inspections refuse: bad lots and plans, too-late requests, strangers, wrong files."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from tests.conftest import VISA, confirmed_order, pay_card
from tests.inspections.conftest import make_agency, paid_inspected_order, upload_photo, visit
from tradeshield.kit import clock
from tradeshield.kit.workdays import subtract_working_days

pytestmark = pytest.mark.django_db


def test_the_sampling_plan_is_public_and_validates_its_input():
    anonymous = Client()
    plan = anonymous.get("/api/v1/inspections/sampling-plan", {"lot_size": 1000, "level": "II", "aql": "2.5"})
    assert plan.status_code == 200
    assert {k: plan.json()[k] for k in ("code_letter", "sample_size", "accept", "reject", "inspect_whole_lot")} == {
        "code_letter": "J",
        "sample_size": 80,
        "accept": 5,
        "reject": 6,
        "inspect_whole_lot": False,
    }
    whole = anonymous.get("/api/v1/inspections/sampling-plan", {"lot_size": 3, "level": "II", "aql": "0.65"}).json()
    assert whole["inspect_whole_lot"] is True and whole["sample_size"] == 3
    for params, code in [
        ({"lot_size": 0}, "lot_size_invalid"),
        ({"lot_size": -5}, "lot_size_invalid"),
        ({"lot_size": 100, "level": "IV"}, "inspection_level_invalid"),
        ({"lot_size": 100, "aql": "3"}, "aql_invalid"),
        ({"lot_size": 100, "aql": "abc"}, "aql_invalid"),
    ]:
        answer = anonymous.get("/api/v1/inspections/sampling-plan", params)
        assert answer.status_code == 422, (params, answer.content)
        assert answer.json()["error"]["code"] == code


def test_visit_requests_are_checked(buyer, supplier, agency):
    order = paid_inspected_order(buyer, supplier)
    assert visit(supplier, order["id"], agency.org.id, packed_percent=70).json()["error"]["code"] == "not_enough_packed"
    assert visit(supplier, order["id"], agency.org.id, lot_size=0).json()["error"]["code"] == "lot_size_invalid"
    assert visit(supplier, order["id"], "org_nope").status_code == 404
    assert visit(buyer, order["id"], agency.org.id).json()["error"]["code"] == "wrong_party"
    past = visit(supplier, order["id"], agency.org.id, ready_date=(clock.today() - timedelta(days=1)).isoformat())
    assert past.status_code == 422
    assert visit(supplier, order["id"], agency.org.id).status_code == 201
    twice = visit(supplier, order["id"], agency.org.id)
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "inspection_in_progress"


def test_an_order_without_inspection_cannot_book_one(buyer, supplier, agency):
    order = confirmed_order(buyer, supplier)
    pay_card(buyer, order["id"])
    answer = visit(supplier, order["id"], agency.org.id)
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "inspection_not_required"


def test_other_agencies_and_strangers_see_nothing(buyer, supplier, other_buyer, agency_and_inspector):
    agency, inspector = agency_and_inspector
    rival, rival_inspector = make_agency("Rival Labs")
    order = paid_inspected_order(buyer, supplier)
    inspection = visit(supplier, order["id"], agency.org.id).json()
    buyer.client.post(f"/inspections/{inspection['id']}/fee-payment", {"card": VISA})

    for stranger in (other_buyer, rival, rival_inspector):
        assert stranger.client.get(f"/inspections/{inspection['id']}").status_code == 404
        assert stranger.client.get("/inspections").json()["data"] == []
    when = (clock.today() + timedelta(days=4)).isoformat()
    stolen = rival.client.post(
        f"/inspections/{inspection['id']}/schedule", {"visit_date": when, "inspector_id": rival_inspector.user.id}
    )
    assert stolen.status_code == 404
    report = rival_inspector.client.post(
        f"/inspections/{inspection['id']}/report",
        {"critical_found": 0, "major_found": 0, "minor_found": 0, "summary": "x", "photo_ids": []},
    )
    assert report.status_code == 404
    assert upload_photo(rival_inspector, inspection["id"]).status_code == 404
    # The inspector of the booked agency cannot schedule (owners do), and only the assigned one reports.
    assert (
        inspector.client.post(
            f"/inspections/{inspection['id']}/schedule", {"visit_date": when, "inspector_id": inspector.user.id}
        ).json()["error"]["code"]
        == "forbidden_role"
    )
    foreign = agency.client.post(
        f"/inspections/{inspection['id']}/schedule", {"visit_date": when, "inspector_id": rival_inspector.user.id}
    )
    assert foreign.json()["error"]["code"] == "inspector_invalid"
    assert agency.client.get(f"/inspections/{inspection['id']}").status_code == 200


def test_photos_must_be_images(buyer, supplier, agency_and_inspector):
    agency, inspector = agency_and_inspector
    order = paid_inspected_order(buyer, supplier)
    inspection = visit(supplier, order["id"], agency.org.id).json()
    not_an_image = upload_photo(inspector, inspection["id"], data=b"MZ\x90\x00 executable", name="photo.png")
    assert not_an_image.status_code == 422 and not_an_image.json()["error"]["code"] == "file_type"
    assert upload_photo(inspector, inspection["id"], data=b"").json()["error"]["code"] == "file_empty"


def test_unpaid_fee_blocks_scheduling_and_declined_cards_change_nothing(buyer, supplier, agency_and_inspector):
    agency, inspector = agency_and_inspector
    order = paid_inspected_order(buyer, supplier)
    inspection = visit(supplier, order["id"], agency.org.id).json()
    when = (clock.today() + timedelta(days=4)).isoformat()
    early = agency.client.post(
        f"/inspections/{inspection['id']}/schedule", {"visit_date": when, "inspector_id": inspector.user.id}
    )
    assert early.status_code == 409 and early.json()["error"]["code"] == "inspection_fee_unpaid"
    declined = buyer.client.post(
        f"/inspections/{inspection['id']}/fee-payment",
        {"card": {**VISA, "number": "4000000000000002"}},
    )
    assert declined.status_code == 402
    assert buyer.client.get(f"/inspections/{inspection['id']}").json()["status"] == "requested"


def test_adding_an_inspection_needs_seven_working_days_notice(buyer, supplier):
    soon = clock.today() + timedelta(days=5)
    order = confirmed_order(buyer, supplier, ship_by_date=soon.isoformat())
    late = buyer.client.post(
        f"/orders/{order['id']}/amendments", {"changes": {"inspection_required": True}, "reason": "QC"}, key=False
    )
    assert late.status_code == 422
    assert late.json()["error"]["code"] == "inspection_too_late"
    assert subtract_working_days(soon, 7).isoformat() in late.json()["error"]["message"]

    later = clock.today() + timedelta(days=30)
    roomy = confirmed_order(buyer, supplier, ship_by_date=later.isoformat())
    proposed = buyer.client.post(
        f"/orders/{roomy['id']}/amendments", {"changes": {"inspection_required": True}, "reason": "QC"}, key=False
    )
    assert proposed.status_code == 201, proposed.content
    accepted = supplier.client.post(f"/amendments/{proposed.json()['id']}/accept", key=False)
    assert accepted.status_code == 200
    assert buyer.client.get(f"/orders/{roomy['id']}").json()["inspection_required"] is True


def test_the_plan_is_the_buyers_and_is_frozen_once_a_visit_is_requested(buyer, supplier, agency):
    order = paid_inspected_order(buyer, supplier)
    body = {"level": "III", "aqls": {"major": "1.5"}, "agency_id": agency.org.id}
    assert supplier.client.put(f"/orders/{order['id']}/inspection-plan", body).status_code == 403
    bad = buyer.client.put(f"/orders/{order['id']}/inspection-plan", {**body, "aqls": {"major": "3"}})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "aql_invalid"
    plan = buyer.client.put(f"/orders/{order['id']}/inspection-plan", body)
    assert plan.status_code == 200, plan.content
    assert (plan.json()["level"], plan.json()["aqls"]["major"]) == ("III", "1.5")
    inspection = visit(supplier, order["id"], None)
    assert inspection.status_code == 201, inspection.content
    assert (inspection.json()["level"], inspection.json()["agency"]["id"]) == ("III", agency.org.id)
    frozen = buyer.client.put(f"/orders/{order['id']}/inspection-plan", body)
    assert frozen.status_code == 409 and frozen.json()["error"]["code"] == "inspection_plan_frozen"
