"""A third-party inspection ordered by the trade expert in arbitration: the buyer prepays it by a
deadline, the fee is held until the decision and settled once (refunded when the supplier is at fault)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import VISA
from tests.disputes.conftest import make_expert, open_dispute, shipped_order, usd
from tests.helpers import assert_books_balance, balance
from tests.inspections.conftest import make_agency, upload_photo
from tradeshield.disputes import services
from tradeshield.disputes.errors import DisputeForbidden, DisputeStateError
from tradeshield.disputes.models import Dispute
from tradeshield.inspections.models import Inspection
from tradeshield.kit import clock
from tradeshield.organizations.actors import actor_for_user

pytestmark = pytest.mark.django_db
FEE = 29_900


def _escalated(buyer, supplier, timeline):
    order_id = shipped_order(buyer, supplier)
    dispute = open_dispute(buyer, order_id).json()
    supplier.client.post(f"/disputes/{dispute['id']}/counter", {"amount": usd(0), "text": "Nothing."}, key=False)
    timeline.sweep(days=7, minutes=1)
    return order_id, dispute["id"]


def _order(expert, dispute_id, agency):
    return services.inspection_order(
        actor=actor_for_user(expert.user), dispute_id=dispute_id, agency_id=agency.org.id, scope="Count flicker."
    )


def _pay_schedule_report(buyer, agency, inspector, inspection_id, major_found):
    paid = buyer.client.post(f"/inspections/{inspection_id}/fee-payment", {"card": VISA})
    assert paid.status_code == 200, paid.content
    again = buyer.client.post(f"/inspections/{inspection_id}/fee-payment", {"card": VISA})
    assert again.status_code == 409  # paid once only
    assert balance(f"inspection_fees:{inspection_id}:USD") == FEE
    scheduled = agency.client.post(
        f"/inspections/{inspection_id}/schedule",
        {"visit_date": (clock.today() + timedelta(days=2)).isoformat(), "inspector_id": inspector.user.id},
        key=False,
    )
    assert scheduled.status_code == 200, scheduled.content
    photo = upload_photo(inspector, inspection_id)
    body = {
        "critical_found": 0,
        "major_found": major_found,
        "minor_found": 0,
        "summary": "Sampled.",
        "photo_ids": [photo.json()["id"]],
    }
    filed = inspector.client.post(f"/inspections/{inspection_id}/report", body)
    assert filed.status_code == 200, filed.content
    # Held until the decision: the agency is not paid at the report, unlike a pre-shipment visit.
    assert balance(f"inspection_fees:{inspection_id}:USD") == FEE


def _decide(expert, dispute_id, buyer_amount, timeline):
    decided = expert.client.post(
        f"/disputes/{dispute_id}/decide",
        {
            "buyer_amount": usd(buyer_amount),
            "supplier_amount": usd(125_000 - buyer_amount),
            "reasons": "The inspection report shows how many panels flicker.",
        },
    )
    assert decided.status_code == 200, decided.content
    assert timeline.sweep(days=30).get("dispute_appeal_window") == 1


def test_only_the_assigned_expert_orders_and_only_in_arbitration(buyer, supplier, expert, timeline):
    agency, _ = make_agency()
    order_id = shipped_order(buyer, supplier)
    dispute_id = open_dispute(buyer, order_id).json()["id"]
    with pytest.raises(DisputeStateError):  # still negotiating
        Dispute.objects.filter(pk=dispute_id).update(expert=expert.user)
        _order(expert, dispute_id, agency)
    other = make_expert("Expert Two")
    Dispute.objects.filter(pk=dispute_id).update(status="escalated")
    with pytest.raises(DisputeForbidden):
        _order(other, dispute_id, agency)
    with pytest.raises(DisputeForbidden):
        services.inspection_order(
            actor=actor_for_user(buyer.user), dispute_id=dispute_id, agency_id=agency.org.id, scope="x"
        )
    stranger = buyer.client.post(f"/disputes/{dispute_id}/inspections", {"agency_id": agency.org.id, "scope": "x"})
    assert stranger.status_code == 403
    ordered = expert.client.post(f"/disputes/{dispute_id}/inspections", {"agency_id": agency.org.id, "scope": "Count."})
    assert ordered.status_code == 201, ordered.content
    assert ordered.json()["status"] == "requested" and ordered.json()["fee"] == {"amount": FEE, "currency": "USD"}
    inspection = Inspection.objects.get(pk=ordered.json()["id"])
    assert (inspection.purpose, inspection.dispute_ref, inspection.fee_payer) == ("dispute", dispute_id, "buyer")


def test_unpaid_order_lapses_and_the_case_goes_on(buyer, supplier, expert, timeline):
    agency, _ = make_agency()
    _, dispute_id = _escalated(buyer, supplier, timeline)
    with timeline.at(days=8):
        inspection = _order(expert, dispute_id, agency)
    assert timeline.sweep(days=12).get("dispute_inspection_fee") is None
    assert timeline.sweep(days=13, minutes=5).get("dispute_inspection_fee") == 1
    assert Inspection.objects.get(pk=inspection.id).status == "cancelled"
    assert Dispute.objects.get(pk=dispute_id).status == "escalated"
    assert_books_balance()


@pytest.mark.parametrize(
    ("major", "buyer_amount", "refunded"), [(6, 20_000, True), (0, 100_000, True), (0, 20_000, False)]
)
def test_fee_settled_once_at_the_decision(buyer, supplier, expert, timeline, major, buyer_amount, refunded):
    agency, inspector = make_agency()
    _, dispute_id = _escalated(buyer, supplier, timeline)
    with timeline.at(days=8):
        inspection = _order(expert, dispute_id, agency)
        _pay_schedule_report(buyer, agency, inspector, inspection.id, major)
    # The report is attached to the case's evidence without anyone uploading it.
    attached = buyer.client.get(f"/disputes/{dispute_id}").json()["attached_evidence"]
    assert [a["ref"] for a in attached if a["kind"] == "inspection"] == [inspection.id]
    with timeline.at(days=9):
        _decide(expert, dispute_id, buyer_amount, timeline)
    row = Inspection.objects.get(pk=inspection.id)
    assert balance(f"inspection_fees:{inspection.id}:USD") == 0
    assert balance(f"agency_payable:{agency.org.id}:USD") == FEE  # the agency did the visit: it is paid
    assert balance(f"buyer_credit:{buyer.org.id}:USD") == (FEE if refunded else 0)
    assert row.fee_refunded == (FEE if refunded else 0)
    # A retried settlement cannot move the fee twice: the transfer ids are fixed per inspection.
    from tradeshield.disputes import inspection as ordered

    dispute = Dispute.objects.get(pk=dispute_id)
    before = balance(f"agency_payable:{agency.org.id}:USD")
    ordered.settle(dispute, dispute.order, buyer_amount)
    assert balance(f"agency_payable:{agency.org.id}:USD") == before
    assert_books_balance()


def test_withdrawal_before_the_visit_returns_the_paid_fee(buyer, supplier, expert, timeline):
    agency, _ = make_agency()
    _, dispute_id = _escalated(buyer, supplier, timeline)
    with timeline.at(days=8):
        inspection = _order(expert, dispute_id, agency)
        paid = buyer.client.post(f"/inspections/{inspection.id}/fee-payment", {"card": VISA})
        assert paid.status_code == 200, paid.content
        withdrawn = buyer.client.post(f"/disputes/{dispute_id}/withdraw")
        assert withdrawn.status_code == 200, withdrawn.content
    row = Inspection.objects.get(pk=inspection.id)
    assert (row.status, row.fee_refunded) == ("cancelled", FEE)
    assert balance(f"inspection_fees:{inspection.id}:USD") == 0
    assert balance(f"agency_payable:{agency.org.id}:USD") == 0
    assert timeline.sweep(days=20).get("dispute_inspection_fee") is None  # closed with the case
    assert_books_balance()


def test_the_expert_orders_from_the_case_page_and_the_buyer_is_sent_to_pay(buyer, supplier, expert, timeline):
    from django.test import Client

    def browser(party):
        client = Client()
        client.force_login(party.user)
        return client

    agency, _ = make_agency()
    _, dispute_id = _escalated(buyer, supplier, timeline)
    page = browser(expert).get(f"/disputes/{dispute_id}/")
    assert b"order-inspection" in page.content
    assert b"order-inspection" not in browser(buyer).get(f"/disputes/{dispute_id}/").content
    posted = browser(expert).post(
        f"/disputes/{dispute_id}/order-inspection/", {"agency_id": agency.org.id, "scope": "Count flicker."}
    )
    assert posted.status_code == 302, posted.content
    row = Inspection.objects.get(dispute_ref=dispute_id)
    assert row.status == "requested"
    buyer_page = browser(buyer).get(f"/disputes/{dispute_id}/").content.decode()
    assert "Pay the inspection fee" in buyer_page
