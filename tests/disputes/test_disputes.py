"""Disputes end to end through the API: freezing, negotiation deadlines, arbitration, post-sales."""

from __future__ import annotations

import pytest

from tests.conftest import confirmed_order, pay_card
from tests.disputes.conftest import TOTAL, make_expert, open_dispute, shipped_order, supplier_earned, upload, usd
from tests.helpers import assert_books_balance, balance
from tradeshield.disputes.models import Dispute, DisputeDeadline
from tradeshield.disputes.services import choose_expert
from tradeshield.escrow import services as escrow
from tradeshield.ledger import services as ledger
from tradeshield.ledger.models import AccountKind
from tradeshield.orders.models import Order, OrderEvent

pytestmark = pytest.mark.django_db


def escrow_of(order_id: str) -> int:
    return balance(f"escrow:{order_id}:USD")


def supplier_of(party) -> int:
    return supplier_earned(party)


def test_an_open_dispute_blocks_manual_release_and_auto_confirm(buyer, supplier, timeline):
    order_id = shipped_order(buyer, supplier)
    opened = open_dispute(buyer, order_id)
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert body["status"] == "negotiating" and body["stage"] == "pre_release"
    assert body["disputed_amount"] == usd(TOTAL) and body["requested_amount"] == usd(TOTAL)
    refused = buyer.client.post(f"/orders/{order_id}/confirm-receipt")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "order_funds_frozen"
    # The supplier answers, so the request is not granted by silence; nobody escalates by hand.
    with timeline.at(days=1):
        assert (
            supplier.client.post(
                f"/disputes/{body['id']}/counter", {"amount": usd(10_000), "text": "Ten percent."}, key=False
            ).status_code
            == 200
        )
    # Long past the 60-day auto-confirm window: the order stays shipped and the escrow stays full.
    acted = timeline.sweep(days=61)
    assert "auto_confirm" not in acted and "auto_confirm_reminder" not in acted
    assert acted["dispute_auto_escalate"] == 1
    assert Order.objects.get(pk=order_id).status == "shipped"
    assert escrow_of(order_id) == TOTAL and supplier_of(supplier) == 0
    assert_books_balance()


def test_a_silent_supplier_loses_the_request_is_granted_once(buyer, supplier, timeline):
    order_id = shipped_order(buyer, supplier)
    dispute = open_dispute(buyer, order_id, remedy="partial_refund", amount=usd(50_000)).json()
    assert timeline.sweep(days=2, hours=23) == {}
    acted = timeline.sweep(days=3, minutes=1)
    assert acted == {"dispute_supplier_response": 1}
    row = Dispute.objects.get(pk=dispute["id"])
    assert (row.status, row.outcome, row.refunded_amount) == ("resolved", "auto_granted", 50_000)
    assert escrow_of(order_id) == TOTAL - 50_000
    assert balance("refunds:USD") == 50_000
    assert timeline.sweep(days=9) == {}  # fires once; the auto-escalation was closed with it
    # The funds are unfrozen: the buyer confirms receipt and the rest goes to the supplier.
    with timeline.at(days=10):
        assert buyer.client.post(f"/orders/{order_id}/confirm-receipt").status_code == 200
    assert supplier_of(supplier) == TOTAL - 50_000
    assert_books_balance()


def test_counter_offer_accepted_by_the_buyer_is_executed(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    dispute = open_dispute(buyer, order_id).json()
    path = f"/disputes/{dispute['id']}"
    assert buyer.client.post(f"{path}/accept").json()["error"]["code"] == "offer_pending"
    countered = supplier.client.post(f"{path}/counter", {"amount": usd(30_000), "text": "Partial."}, key=False)
    assert countered.json()["offer"] == {
        "by": "supplier",
        "amount": usd(30_000),
        "remedy": "partial_refund",
        "text": "Partial.",
    }
    back = buyer.client.post(f"{path}/counter", {"amount": usd(60_000), "text": "Meet me halfway."}, key=False)
    assert back.json()["offer"]["by"] == "buyer"
    accepted = supplier.client.post(f"{path}/accept")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "resolved" and accepted.json()["refunded"] == usd(60_000)
    assert escrow_of(order_id) == TOTAL - 60_000
    kinds = [e["kind"] for e in accepted.json()["timeline"]]
    assert kinds == ["dispute.opened", "dispute.countered", "dispute.countered", "dispute.accepted", "dispute.resolved"]
    assert_books_balance()


def test_edit_and_withdraw_unfreeze(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    dispute = open_dispute(buyer, order_id).json()
    path = f"/disputes/{dispute['id']}"
    edited = buyer.client.post(f"{path}/edit", {"remedy": "partial_refund", "amount": usd(20_000)}, key=False)
    assert edited.json()["requested_amount"] == usd(20_000) and edited.json()["offer"]["amount"] == usd(20_000)
    assert supplier.client.post(f"{path}/edit", {"amount": usd(1)}, key=False).status_code == 403
    assert buyer.client.post(f"{path}/withdraw", key=False).json()["error"]["code"] == "idempotency_key_required"
    assert buyer.client.post(f"{path}/withdraw").json()["status"] == "withdrawn"
    assert buyer.client.post(f"/orders/{order_id}/confirm-receipt").status_code == 200
    assert supplier_of(supplier) == TOTAL
    assert_books_balance()


def test_reject_needs_evidence_then_buyer_escalates_from_day_four(buyer, supplier, expert, timeline):
    order_id = shipped_order(buyer, supplier)
    dispute = open_dispute(buyer, order_id).json()
    path = f"/disputes/{dispute['id']}"
    refused = supplier.client.post(f"{path}/reject", {"text": "Goods were fine."}, key=False)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "evidence_required"
    assert upload(supplier, dispute["id"]).status_code == 201
    assert supplier.client.post(f"{path}/reject", {"text": "Goods were fine."}, key=False).status_code == 200
    with timeline.at(days=2):
        early = buyer.client.post(f"{path}/escalate", key=False)
        assert early.status_code == 409 and early.json()["error"]["code"] == "escalation_too_early"
    assert timeline.sweep(days=3, minutes=1) == {}  # the supplier answered: nothing granted
    with timeline.at(days=3, hours=1):
        escalated = buyer.client.post(f"{path}/escalate", key=False)
    assert escalated.status_code == 200, escalated.content
    body = escalated.json()
    assert body["status"] == "escalated" and body["expert"] == "Expert One"
    assert body["assign_by"] is not None
    assert [e["kind"] for e in body["timeline"]][-2:] == ["dispute.escalated", "dispute.assigned"]
    kinds = {a["kind"] for a in body["attached_evidence"]}
    assert "order_event" in kinds
    assert_books_balance()


def test_system_escalates_on_day_eight_and_assigns_when_an_expert_appears(buyer, supplier, timeline):
    order_id = shipped_order(buyer, supplier)
    dispute = open_dispute(buyer, order_id).json()
    supplier.client.post(f"/disputes/{dispute['id']}/counter", {"amount": usd(1_000), "text": "No."}, key=False)
    assert timeline.sweep(days=6, hours=23) == {}
    assert timeline.sweep(days=7, minutes=1) == {"dispute_auto_escalate": 1}
    row = Dispute.objects.get(pk=dispute["id"])
    assert row.status == "escalated" and row.expert_id is None  # no expert on the platform yet
    make_expert("Late Expert")
    assert timeline.sweep(days=7, hours=2) == {"dispute_assign": 1}
    assert Dispute.objects.get(pk=dispute["id"]).expert.full_name == "Late Expert"


def test_expert_is_chosen_by_language_then_workload(buyer, supplier):
    buyer.user.preferred_language = "es"
    buyer.user.save()
    make_expert("English Free", "en")
    busy = make_expert("Spanish Busy", "es")
    make_expert("Spanish Free", "es")
    order_id = shipped_order(buyer, supplier)
    dispute = Dispute.objects.get(pk=open_dispute(buyer, order_id).json()["id"])
    other = Dispute.objects.get(pk=open_dispute(buyer, shipped_order(buyer, supplier)).json()["id"])
    Dispute.objects.filter(pk=other.pk).update(status="escalated", expert=busy.user)
    assert choose_expert(dispute).full_name == "Spanish Free"
    buyer.user.preferred_language = "fr"
    buyer.user.save()
    dispute.refresh_from_db()
    # Nobody speaks French: the supplier's language (en by default), then the fewest cases.
    assert choose_expert(dispute).full_name == "English Free"


def escalated(buyer, supplier, timeline, **order):
    order_id = shipped_order(buyer, supplier, **order)
    dispute = open_dispute(buyer, order_id).json()
    supplier.client.post(f"/disputes/{dispute['id']}/counter", {"amount": usd(0), "text": "Nothing."}, key=False)
    timeline.sweep(days=7, minutes=1)
    return order_id, dispute["id"]


def test_decision_waits_for_the_appeal_window_then_moves_money_once(buyer, supplier, expert, timeline):
    order_id, dispute_id = escalated(buyer, supplier, timeline)
    with timeline.at(days=8):
        decided = expert.client.post(
            f"/disputes/{dispute_id}/decide",
            {
                "buyer_amount": usd(40_000),
                "supplier_amount": usd(85_000),
                "reasons": "The inspection photos show 32 % of panels flicker.",
            },
        )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "decided" and decided.json()["decision"]["final"] is False
    assert escrow_of(order_id) == TOTAL  # frozen during the appeal window
    assert timeline.sweep(days=14, hours=23) == {}
    assert timeline.sweep(days=15, hours=1) == {"dispute_appeal_window": 1}
    assert escrow_of(order_id) == 0
    assert balance("refunds:USD") == 40_000 and supplier_of(supplier) == 85_000
    assert Order.objects.get(pk=order_id).status == "completed"
    assert timeline.sweep(days=30) == {}
    assert_books_balance()


def test_one_appeal_to_a_different_expert_whose_decision_is_final(buyer, supplier, expert, timeline):
    second = make_expert("Expert Two")
    _, dispute_id = escalated(buyer, supplier, timeline)
    reasons = "Photos and the inspection report support the buyer in part."
    with timeline.at(days=8):
        expert.client.post(
            f"/disputes/{dispute_id}/decide",
            {"buyer_amount": usd(10_000), "supplier_amount": usd(115_000), "reasons": reasons},
        )
    with timeline.at(days=9):
        appealed = buyer.client.post(
            f"/disputes/{dispute_id}/appeal", {"reasons": "The expert ignored my photos."}, key=False
        )
    assert appealed.status_code == 200 and appealed.json()["status"] == "appealed"
    assert appealed.json()["expert"] == "Expert Two"
    with timeline.at(days=9, hours=1):
        again = supplier.client.post(f"/disputes/{dispute_id}/appeal", {"reasons": "x" * 30}, key=False)
        assert again.json()["error"]["code"] == "dispute_not_appealable"
        not_theirs = expert.client.post(
            f"/disputes/{dispute_id}/decide",
            {"buyer_amount": usd(0), "supplier_amount": usd(TOTAL), "reasons": reasons},
        )
        assert not_theirs.status_code == 403 and not_theirs.json()["error"]["code"] == "dispute_not_assigned"
        final = second.client.post(
            f"/disputes/{dispute_id}/decide",
            {"buyer_amount": usd(70_000), "supplier_amount": usd(55_000), "reasons": reasons},
        )
    assert final.status_code == 200, final.content
    assert final.json()["status"] == "resolved" and final.json()["decision"]["final"] is True
    assert balance("refunds:USD") == 70_000 and supplier_of(supplier) == 55_000
    assert_books_balance()


def test_a_settlement_both_sign_stops_the_case(buyer, supplier, expert, timeline):
    _, dispute_id = escalated(buyer, supplier, timeline)
    with timeline.at(days=8):
        proposed = supplier.client.post(f"/disputes/{dispute_id}/settlement", {"buyer_amount": usd(25_000)}, key=False)
        assert proposed.status_code == 201 and proposed.json()["supplier_amount"] == usd(100_000)
        assert supplier.client.post(f"/disputes/{dispute_id}/settlement/sign").json()["error"]["code"] == (
            "settlement_awaiting_other"
        )
        signed = buyer.client.post(f"/disputes/{dispute_id}/settlement/sign")
    assert signed.status_code == 200 and signed.json()["outcome"] == "settled"
    assert balance("refunds:USD") == 25_000 and supplier_of(supplier) == 100_000
    with timeline.at(days=8, hours=1):
        late = expert.client.post(
            f"/disputes/{dispute_id}/decide",
            {"buyer_amount": usd(0), "supplier_amount": usd(TOTAL), "reasons": "Too late for a decision here."},
        )
    assert late.status_code == 409 and late.json()["error"]["code"] == "dispute_not_in_arbitration"
    assert_books_balance()


def test_a_buyer_who_misses_the_evidence_deadline_loses(buyer, supplier, expert, timeline):
    order_id, dispute_id = escalated(buyer, supplier, timeline)
    with timeline.at(days=8):
        asked = expert.client.post(
            f"/disputes/{dispute_id}/evidence-requests",
            {"side": "buyer", "text": "Photos of the flickering panels.", "due_days": 3},
            key=False,
        )
    assert asked.status_code == 201, asked.content
    assert timeline.sweep(days=11, hours=1) == {"dispute_evidence": 1}
    row = Dispute.objects.get(pk=dispute_id)
    assert (row.status, row.outcome) == ("lapsed", "lapsed")
    assert supplier_of(supplier) == TOTAL and Order.objects.get(pk=order_id).status == "completed"
    assert_books_balance()


def test_evidence_provided_in_time_fulfils_the_request(buyer, supplier, expert, timeline):
    _, dispute_id = escalated(buyer, supplier, timeline)
    with timeline.at(days=8):
        expert.client.post(
            f"/disputes/{dispute_id}/evidence-requests",
            {"side": "buyer", "text": "Photos please.", "due_days": 3},
            key=False,
        )
        assert upload(buyer, dispute_id).status_code == 201
    assert timeline.sweep(days=12) == {}
    assert Dispute.objects.get(pk=dispute_id).status == "escalated"


def completed_order(buyer, supplier) -> str:
    order_id = shipped_order(buyer, supplier)
    assert buyer.client.post(f"/orders/{order_id}/confirm-receipt").status_code == 200
    return order_id


def test_post_sales_refund_from_supplier_balance(buyer, supplier):
    order_id = completed_order(buyer, supplier)
    dispute = open_dispute(buyer, order_id, reason="counterfeit", remedy="partial_refund", amount=usd(20_000)).json()
    assert dispute["stage"] == "post_sales" and dispute["disputed_amount"] == usd(TOTAL)
    assert supplier.client.post(f"/disputes/{dispute['id']}/accept").status_code == 200
    assert supplier_of(supplier) == TOTAL - 20_000 and balance("refunds:USD") == 20_000
    assert balance("guarantee_fund:USD") == 0
    assert_books_balance()


def test_post_sales_shortfall_comes_from_the_guarantee_fund_as_supplier_debt(buyer, supplier):
    order_id = completed_order(buyer, supplier)
    # The supplier has withdrawn most of its balance to its bank.
    ledger.transfer_create(
        id="payout:test",
        debit=escrow.supplier_account(supplier.org.id, "USD"),
        credit=ledger.account_ensure(kind=AccountKind.SUPPLIER_FUNDING, currency="USD"),
        amount=100_000,
        code="payout",
    )
    dispute = open_dispute(buyer, order_id, reason="damaged").json()
    accepted = supplier.client.post(f"/disputes/{dispute['id']}/accept")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["refunded"] == usd(TOTAL) and accepted.json()["from_guarantee_fund"] == usd(100_000)
    assert supplier_of(supplier) == 0  # its available balance and its reserve went first
    assert balance(f"supplier_debt:{supplier.org.id}:USD") == -100_000  # owed to the fund
    assert balance("refunds:USD") == TOTAL
    assert_books_balance()


def test_notifications_and_webhook_types_for_dispute_events(buyer, supplier):
    from tradeshield.notifications import catalogue

    order_id = shipped_order(buyer, supplier)
    open_dispute(buyer, order_id)
    event = OrderEvent.objects.get(order_id=order_id, kind="dispute.opened")
    assert catalogue.webhook_type(event.kind, event.data) == "dispute.opened"
    assert catalogue.rule_for("dispute.opened").email == "supplier"
    assert catalogue.rule_for("dispute.escalated").type == "dispute.escalated"
    assert catalogue.rule_for("dispute.decided").email == "both"


def test_deadlines_exist_once_per_dispute_kind_and_period(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    dispute = open_dispute(buyer, order_id).json()
    kinds = sorted(DisputeDeadline.objects.filter(dispute_id=dispute["id"]).values_list("kind", flat=True))
    assert kinds == ["auto_escalate", "supplier_response"]


def test_unpaid_orders_cannot_be_disputed(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    refused = open_dispute(buyer, order["id"])
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "order_not_disputable"
    assert pay_card(buyer, order["id"]).status_code == 201
    assert open_dispute(buyer, order["id"], reason="not_shipped").status_code == 201
    assert (
        supplier.client.post(
            f"/orders/{order['id']}/disputes",
            {"reason": "late", "remedy": "full_refund", "description": "x"},
            key=False,
        ).status_code
        == 403
    )
