"""Each bad input is refused with a clear error, and nothing moves: the ledger is exactly as before."""

from __future__ import annotations

import pytest

from tests.disputes.conftest import TOTAL, make_expert, open_dispute, shipped_order, upload, usd
from tests.helpers import assert_books_balance, ledger_snapshot
from tradeshield.disputes.models import Dispute, Evidence
from tradeshield.files.services import MAX_BYTES
from tradeshield.orders.models import OrderEvent

pytestmark = pytest.mark.django_db


def refused(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


def test_a_second_dispute_on_the_same_order(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    assert open_dispute(buyer, order_id).status_code == 201
    before, events = ledger_snapshot(), OrderEvent.objects.count()
    refused(open_dispute(buyer, order_id, reason="damaged"), 409, "dispute_already_open")
    assert ledger_snapshot() == before and OrderEvent.objects.count() == events
    assert Dispute.objects.filter(order_id=order_id).count() == 1


def test_disputing_after_the_thirty_day_window(buyer, supplier, timeline):
    order_id = shipped_order(buyer, supplier)
    assert buyer.client.post(f"/orders/{order_id}/confirm-receipt").status_code == 200
    with timeline.at(days=29, hours=23):
        assert open_dispute(buyer, order_id).status_code == 201  # still inside the window
        Dispute.objects.filter(order_id=order_id).update(status="withdrawn")
    before = ledger_snapshot()
    with timeline.at(days=30, hours=1):
        refused(open_dispute(buyer, order_id), 409, "dispute_window_closed")
    assert ledger_snapshot() == before
    assert not Dispute.objects.filter(order_id=order_id, status="negotiating").exists()


def test_a_counter_offer_above_the_amount_paid(buyer, supplier):
    dispute = open_dispute(buyer, shipped_order(buyer, supplier)).json()
    before = ledger_snapshot()
    response = supplier.client.post(
        f"/disputes/{dispute['id']}/counter", {"amount": usd(TOTAL + 1), "text": "More than paid."}, key=False
    )
    refused(response, 422, "counter_exceeds_paid")
    assert response.json()["error"]["field"] == "amount"
    assert ledger_snapshot() == before
    row = Dispute.objects.get(pk=dispute["id"])
    assert (row.offer_by, row.offer_amount, row.supplier_responded_at) == ("buyer", TOTAL, None)


def test_a_partial_refund_request_above_the_amount_paid(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    before = ledger_snapshot()
    refused(open_dispute(buyer, order_id, remedy="partial_refund", amount=usd(TOTAL + 1)), 422, "amount_exceeds_paid")
    refused(open_dispute(buyer, order_id, remedy="partial_refund"), 422, "amount_required")
    assert ledger_snapshot() == before and not Dispute.objects.exists()


def test_evidence_too_large_or_of_the_wrong_type(buyer, supplier):
    dispute = open_dispute(buyer, shipped_order(buyer, supplier)).json()
    before = ledger_snapshot()
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_BYTES
    refused(upload(buyer, dispute["id"], data=big, name="huge.png"), 422, "file_too_large")
    refused(upload(buyer, dispute["id"], data=b"MZ\x90\x00 not a picture", name="photo.png"), 422, "file_type")
    refused(upload(buyer, dispute["id"], data=b"<html>hello</html>", name="page.html"), 422, "file_type")
    assert ledger_snapshot() == before and not Evidence.objects.exists()
    assert upload(buyer, dispute["id"], data=b"%PDF-1.7\n...", name="invoice.pdf").status_code == 201


def escalated_case(buyer, supplier, timeline):
    order_id = shipped_order(buyer, supplier)
    dispute = open_dispute(buyer, order_id).json()
    supplier.client.post(f"/disputes/{dispute['id']}/counter", {"amount": usd(0), "text": "No refund."}, key=False)
    assert timeline.sweep(days=7, minutes=1) == {"dispute_auto_escalate": 1}
    return Dispute.objects.get(pk=dispute["id"])


def test_an_expert_deciding_a_case_not_assigned_to_them(buyer, supplier, expert, timeline):
    dispute = escalated_case(buyer, supplier, timeline)
    assert dispute.expert_id == expert.user.id
    stranger = make_expert("Other Expert")
    before = ledger_snapshot()
    body = {"buyer_amount": usd(TOTAL), "supplier_amount": usd(0), "reasons": "I would give it all back to the buyer."}
    with timeline.at(days=8):
        refused(stranger.client.post(f"/disputes/{dispute.id}/decide", body), 403, "dispute_not_assigned")
        refused(buyer.client.post(f"/disputes/{dispute.id}/decide", body), 403, "not_trade_expert")
    assert ledger_snapshot() == before
    dispute.refresh_from_db()
    assert dispute.status == "escalated" and dispute.decided_at is None


def test_a_split_above_the_disputed_amount(buyer, supplier, expert, timeline):
    dispute = escalated_case(buyer, supplier, timeline)
    before = ledger_snapshot()
    reasons = "Both sides share the blame for the defects."
    over = expert.client.post(
        f"/disputes/{dispute.id}/decide",
        {"buyer_amount": usd(100_000), "supplier_amount": usd(25_001), "reasons": reasons},
    )
    refused(over, 422, "split_exceeds_disputed_amount")
    short = expert.client.post(
        f"/disputes/{dispute.id}/decide", {"buyer_amount": usd(1), "supplier_amount": usd(1), "reasons": reasons}
    )
    refused(short, 422, "split_incomplete")
    no_reasons = expert.client.post(
        f"/disputes/{dispute.id}/decide", {"buyer_amount": usd(TOTAL), "supplier_amount": usd(0), "reasons": "ok"}
    )
    refused(no_reasons, 422, "text_required")
    settle = buyer.client.post(f"/disputes/{dispute.id}/settlement", {"buyer_amount": usd(TOTAL + 1)}, key=False)
    refused(settle, 422, "split_exceeds_disputed_amount")
    assert ledger_snapshot() == before
    dispute.refresh_from_db()
    assert dispute.status == "escalated" and dispute.decision_buyer_amount is None
    assert_books_balance()


def test_a_second_post_sales_dispute_cannot_claim_what_was_refunded(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    assert buyer.client.post(f"/orders/{order_id}/confirm-receipt").status_code == 200
    first = open_dispute(buyer, order_id, remedy="partial_refund", amount=usd(100_000)).json()
    assert supplier.client.post(f"/disputes/{first['id']}/accept").status_code == 200
    second = open_dispute(buyer, order_id, reason="counterfeit").json()
    assert second["disputed_amount"] == usd(TOTAL - 100_000)
    before = ledger_snapshot()
    too_much = buyer.client.post(
        f"/disputes/{second['id']}/edit", {"remedy": "partial_refund", "amount": usd(TOTAL - 100_000 + 1)}, key=False
    )
    refused(too_much, 422, "amount_exceeds_paid")
    assert ledger_snapshot() == before
