"""Pre-shipment inspection through the API: plan, visit, fee, schedule, report, gate, buyer's answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import VISA
from tests.helpers import assert_books_balance, balance
from tests.inspections.conftest import paid_inspected_order, upload_photo, visit
from tradeshield.inspections.models import Inspection
from tradeshield.inspections.render import render_inspection
from tradeshield.kit import clock
from tradeshield.orders.models import Order
from tradeshield.protections.services import sweep

pytestmark = pytest.mark.django_db
FEE = 29_900  # the agency's USD fee; the orders here are in USD
TOTAL = 125_000
SHIP = {"carrier": "Maersk", "tracking_number": "MAEU1234567", "mode": "sea"}


def _book_and_schedule(buyer, supplier, agency, inspector, order_id: str) -> str:
    requested = visit(supplier, order_id, agency.org.id)
    assert requested.status_code == 201, requested.content
    inspection = requested.json()
    assert (inspection["status"], inspection["fee"], inspection["fee_payer"]) == (
        "requested",
        {"amount": FEE, "currency": "USD"},
        "buyer",
    )
    paid = buyer.client.post(f"/inspections/{inspection['id']}/fee-payment", {"card": VISA})
    assert paid.status_code == 200, paid.content
    assert paid.json()["status"] == "booked"
    scheduled = agency.client.post(
        f"/inspections/{inspection['id']}/schedule",
        {"visit_date": (clock.today() + timedelta(days=4)).isoformat(), "inspector_id": inspector.user.id},
        key=False,
    )
    assert scheduled.status_code == 200, scheduled.content
    assert scheduled.json()["status"] == "scheduled" and scheduled.json()["report_due_at"]
    return inspection["id"]


def _report(inspector, inspection_id: str, **overrides):
    photo = upload_photo(inspector, inspection_id)
    assert photo.status_code == 201, photo.content
    body = {
        "critical_found": 0,
        "major_found": 2,
        "minor_found": 3,
        "summary": "80 units sampled from 12 cartons.",
        "photo_ids": [photo.json()["id"]],
        **overrides,
    }
    return inspector.client.post(f"/inspections/{inspection_id}/report", body)


def test_a_passed_inspection_opens_the_gate_pays_the_agency_and_marks_the_order(buyer, supplier, agency_and_inspector):
    agency, inspector = agency_and_inspector
    order = paid_inspected_order(buyer, supplier)
    inspection_id = _book_and_schedule(buyer, supplier, agency, inspector, order["id"])
    assert supplier.client.post(f"/orders/{order['id']}/ship", SHIP, key=False).status_code == 409

    filed = _report(inspector, inspection_id)
    assert filed.status_code == 200, filed.content
    result = filed.json()
    assert result["status"] == "passed"
    report = result["report"]
    major = next(c for c in report["classes"] if c["defect_class"] == "major")
    # lot 1000, level II: code letter J, 80 samples; AQL 2.5 accepts 5 and rejects 6.
    assert (major["code_letter"], major["sample_size"], major["accept"], major["reject"]) == ("J", 80, 5, 6)
    assert len(report["photos"]) == 1 and len(report["photos"][0]["sha256"]) == 64

    assert balance(f"agency_payable:{agency.org.id}:USD") == FEE
    assert balance(f"inspection_fees:{inspection_id}:USD") == 0
    assert_books_balance()
    assert buyer.client.get(f"/orders/{order['id']}").json()["inspection_cleared_at"] is not None
    assert supplier.client.post(f"/orders/{order['id']}/ship", SHIP, key=False).status_code == 200

    record = buyer.client.get(f"/suppliers/{supplier.org.id}/inspection-record").json()
    assert (record["inspected_orders"], record["passed_first_time"], record["pass_rate"]) == (1, 1, "1.0000")


def test_a_failed_inspection_refunds_the_buyers_fee_from_escrow_and_rework_is_on_the_supplier(
    buyer, supplier, agency_and_inspector
):
    agency, inspector = agency_and_inspector
    order = paid_inspected_order(buyer, supplier)
    first = _book_and_schedule(buyer, supplier, agency, inspector, order["id"])
    failed = _report(inspector, first, major_found=6)
    assert failed.status_code == 200, failed.content
    assert failed.json()["status"] == "failed"
    assert failed.json()["fee_refunded"] == {"amount": FEE, "currency": "USD"}
    # The supplier bears the fee: it came out of the escrowed order money, back to the buyer.
    assert balance(f"escrow:{order['id']}:USD") == TOTAL - FEE
    assert supplier.client.post(f"/orders/{order['id']}/ship", SHIP, key=False).json()["error"]["code"] == (
        "inspection_not_passed"
    )

    no_key = buyer.client.post(f"/inspections/{first}/decision", {"choice": "rework"}, key=False)
    assert no_key.status_code == 400
    assert buyer.client.post(f"/inspections/{first}/decision", {"choice": "rework"}).status_code == 200
    again = buyer.client.post(f"/inspections/{first}/decision", {"choice": "accept"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "decision_not_open"

    second = visit(supplier, order["id"], agency.org.id)
    assert second.status_code == 201, second.content
    assert (second.json()["is_reinspection"], second.json()["fee_payer"]) == (True, "supplier")
    wrong_payer = buyer.client.post(f"/inspections/{second.json()['id']}/fee-payment", {"card": VISA})
    assert wrong_payer.status_code == 403
    assert supplier.client.post(f"/inspections/{second.json()['id']}/fee-payment", {"card": VISA}).status_code == 200
    assert balance(f"agency_payable:{agency.org.id}:USD") == FEE
    assert_books_balance()

    record = buyer.client.get(f"/suppliers/{supplier.org.id}/inspection-record").json()
    assert (record["inspected_orders"], record["passed_first_time"], record["pass_rate"]) == (1, 0, "0.0000")


def test_buyer_cancels_after_a_failed_inspection_and_gets_everything_back(buyer, supplier, agency_and_inspector):
    agency, inspector = agency_and_inspector
    order = paid_inspected_order(buyer, supplier)
    inspection_id = _book_and_schedule(buyer, supplier, agency, inspector, order["id"])
    assert _report(inspector, inspection_id, critical_found=1).json()["status"] == "failed"
    cancelled = buyer.client.post(f"/inspections/{inspection_id}/decision", {"choice": "cancel"})
    assert cancelled.status_code == 200, cancelled.content
    assert Order.objects.get(pk=order["id"]).status == "refunded"
    assert balance(f"escrow:{order['id']}:USD") == 0
    assert_books_balance()


def test_buyer_accepts_failed_goods_and_the_supplier_may_ship(buyer, supplier, agency_and_inspector):
    agency, inspector = agency_and_inspector
    order = paid_inspected_order(buyer, supplier)
    inspection_id = _book_and_schedule(buyer, supplier, agency, inspector, order["id"])
    assert _report(inspector, inspection_id, minor_found=30).json()["status"] == "failed"
    assert buyer.client.post(f"/inspections/{inspection_id}/decision", {"choice": "accept"}).status_code == 200
    assert supplier.client.post(f"/orders/{order['id']}/ship", SHIP, key=False).status_code == 200
    # Accepted, not passed: no quality mark for this order's supplier.
    record = buyer.client.get(f"/suppliers/{supplier.org.id}/inspection-record").json()
    assert record["passed_first_time"] == 0


def test_no_rework_in_time_cancels_the_order_with_a_full_refund(buyer, supplier, agency_and_inspector):
    agency, inspector = agency_and_inspector
    order = paid_inspected_order(buyer, supplier)
    inspection_id = _book_and_schedule(buyer, supplier, agency, inspector, order["id"])
    assert _report(inspector, inspection_id, major_found=9).json()["status"] == "failed"
    assert buyer.client.post(f"/inspections/{inspection_id}/decision", {"choice": "rework"}).status_code == 200

    assert sweep(now=clock.now() + timedelta(days=9)).total == 0
    assert Order.objects.get(pk=order["id"]).status == "paid"
    report = sweep(now=clock.now() + timedelta(days=10, minutes=1))
    assert report.total == 1
    assert Order.objects.get(pk=order["id"]).status == "refunded"
    assert balance(f"escrow:{order['id']}:USD") == 0
    assert_books_balance()


def test_the_verdict_follows_the_plan_unless_overridden_with_a_reason(buyer, supplier, agency_and_inspector):
    agency, inspector = agency_and_inspector
    order = paid_inspected_order(buyer, supplier)
    inspection_id = _book_and_schedule(buyer, supplier, agency, inspector, order["id"])
    silent = _report(inspector, inspection_id, major_found=6, passed_override=True)
    assert silent.status_code == 422 and silent.json()["error"]["code"] == "override_reason_required"
    overridden = _report(
        inspector,
        inspection_id,
        major_found=6,
        passed_override=True,
        override_reason="Five of the six are one cosmetic scuff, re-classified as minor with the buyer on a call.",
    )
    assert overridden.status_code == 200, overridden.content
    report = overridden.json()["report"]
    assert (report["computed_passed"], report["passed"]) == (False, True)
    assert overridden.json()["status"] == "passed"


def test_measurements_are_checked_against_the_agreed_specification(buyer, supplier, agency_and_inspector):
    agency, inspector = agency_and_inspector
    lines = [
        {
            "product_name": "LED panel",
            "quantity": "100",
            "unit": "pcs",
            "unit_price": {"amount": 1250, "currency": "USD"},
            "attributes": [{"name": "Width", "value": "600", "unit": "mm", "tolerance": "2"}],
        }
    ]
    order = paid_inspected_order(buyer, supplier, lines=lines)
    inspection_id = _book_and_schedule(buyer, supplier, agency, inspector, order["id"])
    filed = _report(
        inspector,
        inspection_id,
        measurements=[
            {"line": 1, "name": "width", "measured": "601.5"},
            {"line": 1, "name": "Width", "measured": "603"},
        ],
    )
    assert filed.status_code == 200, filed.content
    assert [m["ok"] for m in filed.json()["report"]["measurements"]] == [True, False]


def test_a_visit_not_yet_scheduled_can_be_withdrawn_and_the_fee_goes_back(buyer, supplier, agency):
    order = paid_inspected_order(buyer, supplier)
    inspection = visit(supplier, order["id"], agency.org.id).json()
    assert buyer.client.post(f"/inspections/{inspection['id']}/fee-payment", {"card": VISA}).status_code == 200
    assert balance(f"inspection_fees:{inspection['id']}:USD") == FEE
    withdrawn = supplier.client.post(f"/inspections/{inspection['id']}/cancel", {"reason": "Wrong lot"})
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["status"] == "cancelled"
    assert withdrawn.json()["fee_refunded"]["amount"] == FEE
    assert balance(f"inspection_fees:{inspection['id']}:USD") == 0
    assert_books_balance()
    assert visit(supplier, order["id"], agency.org.id).status_code == 201


def test_an_overdue_report_is_flagged_once(buyer, supplier, agency_and_inspector):
    agency, inspector = agency_and_inspector
    order = paid_inspected_order(buyer, supplier)
    inspection_id = _book_and_schedule(buyer, supplier, agency, inspector, order["id"])
    due = buyer.client.get(f"/inspections/{inspection_id}").json()["report_due_at"]
    assert sweep(now=clock.now() + timedelta(days=4)).total == 0
    later = clock.now() + timedelta(days=8)
    assert sweep(now=later).total == 1
    assert sweep(now=later + timedelta(days=1)).total == 0
    overdue = Order.objects.get(pk=order["id"]).events.filter(kind="inspection.report_overdue")
    assert [e.data["due_at"][:16] for e in overdue] == [due[:16]]
    assert buyer.client.get(f"/inspections/{inspection_id}").json()["report_overdue"] is False
    with clock.frozen_at(later):  # (personal tokens expire, so read the rendering directly)
        assert render_inspection(Inspection.objects.get(pk=inspection_id))["report_overdue"] is True
