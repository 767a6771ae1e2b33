"""The dispute pages: opening from the order page, each side's forms, and the expert's workbench."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.disputes.conftest import PNG, TOTAL, open_dispute, shipped_order, usd
from tests.helpers import assert_books_balance, balance
from tradeshield.disputes.models import Dispute

pytestmark = pytest.mark.django_db


def browser(party) -> Client:
    client = Client()
    client.force_login(party.user)
    return client


def test_buyer_opens_a_dispute_from_the_order_page_with_a_photo(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    web = browser(buyer)
    page = web.get(f"/orders/{order_id}/")
    assert page.status_code == 200 and b"Open a dispute" in page.content
    response = web.post(
        f"/orders/{order_id}/disputes/",
        {
            "reason": "damaged",
            "remedy": "partial_refund",
            "amount": "150.00",
            "description": "Twelve panels arrived cracked.",
            "evidence": SimpleUploadedFile("crack.png", PNG, content_type="image/png"),
        },
    )
    dispute = Dispute.objects.get(order_id=order_id)
    assert response.status_code == 302 and response["Location"] == f"/disputes/{dispute.id}/"
    assert dispute.requested_amount == 15_000 and dispute.evidence.count() == 1
    page = web.get(f"/disputes/{dispute.id}/")
    assert page.status_code == 200
    assert b"crack.png" in page.content and b"Withdraw the dispute" in page.content
    evidence = dispute.evidence.get()
    served = web.get(f"/disputes/{dispute.id}/evidence/{evidence.id}/")
    assert served.status_code == 200 and served.content == PNG
    order_page = web.get(f"/orders/{order_id}/")
    assert b"funds are frozen" in order_page.content and b"Open a dispute" not in order_page.content


def test_counter_in_the_browser_then_accept_once(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    dispute_id = open_dispute(buyer, order_id).json()["id"]
    seller = browser(supplier)
    page = seller.get(f"/disputes/{dispute_id}/")
    assert b"Make a counter-offer" in page.content and b"Withdraw the dispute" not in page.content
    seller.post(f"/disputes/{dispute_id}/counter/", {"amount": "400.00", "text": "We refund 400."})
    assert Dispute.objects.get(pk=dispute_id).offer_amount == 40_000
    web = browser(buyer)
    form = {"idempotency_key": "accept-once"}
    first = web.post(f"/disputes/{dispute_id}/accept/", form)
    second = web.post(f"/disputes/{dispute_id}/accept/", form)  # a double click
    assert first.status_code == second.status_code == 302
    assert Dispute.objects.get(pk=dispute_id).status == "resolved"
    assert balance(f"escrow:{order_id}:USD") == TOTAL - 40_000
    assert balance("refunds:USD") == 40_000
    assert_books_balance()


def test_errors_are_shown_not_raised(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    dispute_id = open_dispute(buyer, order_id).json()["id"]
    response = browser(supplier).post(
        f"/disputes/{dispute_id}/counter/", {"amount": "99999.00", "text": "Too much."}, follow=True
    )
    assert response.status_code == 200 and b"cannot exceed the amount paid" in response.content
    assert Dispute.objects.get(pk=dispute_id).offer_by == "buyer"
    assert browser(buyer).post(f"/disputes/{dispute_id}/nonsense/").status_code == 404


def test_expert_workbench_and_decision_form(buyer, supplier, expert, timeline):
    order_id = shipped_order(buyer, supplier)
    dispute_id = open_dispute(buyer, order_id).json()["id"]
    supplier.client.post(f"/disputes/{dispute_id}/counter", {"amount": usd(0), "text": "No."}, key=False)
    timeline.sweep(days=7, minutes=1)
    desk = browser(expert)
    queue = desk.get("/expert/disputes/")
    assert queue.status_code == 200 and dispute_id.encode() in queue.content
    case = desk.get(f"/disputes/{dispute_id}/")
    assert b"Record the decision" in case.content and b"Request evidence" in case.content
    assert browser(buyer).get("/expert/disputes/").status_code == 403
    with timeline.at(days=8):
        desk.post(
            f"/disputes/{dispute_id}/decide/",
            {
                "idempotency_key": "decide-1",
                "buyer_amount": "500.00",
                "supplier_amount": "750.00",
                "reasons": "Half the panels flicker in the buyer's video.",
            },
        )
    decided = Dispute.objects.get(pk=dispute_id)
    assert decided.status == "decided" and decided.decision_buyer_amount == 50_000
    assert balance(f"escrow:{order_id}:USD") == TOTAL  # paid out when the appeal window closes
