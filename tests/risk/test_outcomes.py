"""Each outcome through the real API: allowed, held for review (409), suspended (403), frozen (403 for
every later screened action until unfrozen). A refused action writes nothing but its risk case."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import override_settings

from tests.conftest import VISA, Party, confirmed_order, pay_card
from tests.payouts.support import add_account, released_order
from tests.risk.support import PASSWORD, add_rule, books, make_staff, post
from tradeshield.notifications import risk_notices
from tradeshield.notifications.emails import compose, email_send
from tradeshield.notifications.models import EmailDelivery, Notification
from tradeshield.orders.models import Order
from tradeshield.payments.models import Payment
from tradeshield.risk.models import AccountFreeze, Assessment, CaseStatus, Decision, RiskCase

pytestmark = pytest.mark.django_db


def _nothing_moved(order_id: str, transfers_before: int) -> None:
    assert books() == transfers_before
    assert not Payment.objects.filter(order_id=order_id).exists()
    assert Order.objects.get(pk=order_id).status == "awaiting_payment"


def test_an_ordinary_payment_is_allowed_and_its_assessment_kept(buyer: Party, supplier: Party) -> None:
    order = confirmed_order(buyer, supplier)
    paid = pay_card(buyer, order["id"])
    assert paid.status_code == 201, paid.content
    assessment = Assessment.objects.get(organization_id=buyer.org.id, kind="payment")
    assert assessment.outcome == "allow" and assessment.score < 65
    assert assessment.reference.startswith(order["id"]) and assessment.amount == 125_000
    assert len(assessment.card_fingerprint) == 32 and VISA["number"] not in str(assessment.signals)


def test_review_holds_the_payment_until_staff_approve_it(buyer: Party, supplier: Party) -> None:
    add_rule("test_large", 'kind == "payment" and amount >= 125000', 65)
    order = confirmed_order(buyer, supplier)
    before = books()
    held = pay_card(buyer, order["id"])
    assert held.status_code == 409, held.content
    assert held.json()["error"]["code"] == "risk_review_pending"
    _nothing_moved(order["id"], before)
    case = RiskCase.objects.get(organization_id=buyer.org.id)
    assert (case.status, case.outcome, case.assessment.score) == (
        "pending",
        "review",
        65,
    )  # no device sent: only the rule
    # Trying again while it waits opens no second case.
    again = pay_card(buyer, order["id"])
    assert again.json()["error"]["code"] == "risk_review_pending"
    assert RiskCase.objects.filter(organization_id=buyer.org.id).count() == 1

    staff = make_staff()
    listed = staff.client.get("/risk/cases", status="pending")
    assert listed.status_code == 200 and [c["id"] for c in listed.json()["data"]] == [case.id]
    assert "test_large" in listed.json()["data"][0]["matched_rules"]
    approved = post(staff, f"/risk/cases/{case.id}/approve", {"reason": "called the buyer"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert Decision.objects.get(case=case).action == "approve"

    paid = pay_card(buyer, order["id"])  # a new Idempotency-Key: the same action now goes through once
    assert paid.status_code == 201, paid.content
    case.refresh_from_db()
    assert case.used_at is not None
    assert post(staff, f"/risk/cases/{case.id}/decline", {"reason": "late"}).status_code == 409


def test_a_declined_review_stays_refused(buyer: Party, supplier: Party) -> None:
    add_rule("test_large", 'kind == "payment" and amount >= 125000', 65)
    order = confirmed_order(buyer, supplier)
    assert pay_card(buyer, order["id"]).status_code == 409
    case = RiskCase.objects.get(organization_id=buyer.org.id)
    staff = make_staff("support_agent")
    assert post(staff, f"/risk/cases/{case.id}/decline", {}).status_code == 422  # a reason is required
    declined = post(staff, f"/risk/cases/{case.id}/decline", {"reason": "stolen card reported"})
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    retried = pay_card(buyer, order["id"])
    assert retried.status_code == 409  # a new review, not a pass
    assert RiskCase.objects.filter(organization_id=buyer.org.id, status=CaseStatus.PENDING).count() == 1


def test_suspend_refuses_the_transaction_and_moves_nothing(buyer: Party, supplier: Party) -> None:
    add_rule("test_suspend", 'kind == "payment"', 80)
    order = confirmed_order(buyer, supplier)
    before = books()
    refused = pay_card(buyer, order["id"])
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "transaction_suspended"
    _nothing_moved(order["id"], before)
    case = RiskCase.objects.get(organization_id=buyer.org.id)
    assert (case.status, case.outcome) == ("closed", "suspend")
    assert not AccountFreeze.objects.exists()


@override_settings(TRADESHIELD_RISK_TRUST_COUNTRY_HEADER=True)
def test_real_signals_hold_a_foreign_card_from_a_foreign_network(buyer: Party, supplier: Party) -> None:
    order = confirmed_order(buyer, supplier)
    card = {**VISA, "country": "NG"}
    response = buyer.client.client.post(
        f"/api/v1/orders/{order['id']}/payments",
        data=json.dumps({"method": "card", "card": card}),
        content_type="application/json",
        headers={
            "Authorization": f"Bearer {buyer.client.token}",
            "Idempotency-Key": "k-1",
            "X-Country": "RU",
            "X-Device-Id": "phone-1",
        },
    )
    assert response.status_code == 409, response.content  # 25 + 15 + 15 + new device 10 = 65
    matched = set(RiskCase.objects.get(organization_id=buyer.org.id).assessment.matched)
    assert {"card_country_mismatch", "ip_country_mismatch", "card_ip_country_mismatch"} <= matched


def test_untrusted_country_header_is_ignored(buyer: Party, supplier: Party) -> None:
    order = confirmed_order(buyer, supplier)
    response = buyer.client.client.post(
        f"/api/v1/orders/{order['id']}/payments",
        data=json.dumps({"method": "card", "card": VISA}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {buyer.client.token}", "Idempotency-Key": "k-2", "X-Country": "RU"},
    )
    assert response.status_code == 201, response.content
    assert Assessment.objects.get(organization_id=buyer.org.id).ip_country == ""


def test_freeze_refuses_every_later_screened_action_until_unfrozen(buyer: Party, supplier: Party) -> None:
    order = confirmed_order(buyer, supplier)
    rule = add_rule("test_freeze", 'kind == "payment" and amount == 125000', 100)
    before = books()
    frozen = pay_card(buyer, order["id"])
    assert frozen.status_code == 403 and frozen.json()["error"]["code"] == "account_frozen"
    _nothing_moved(order["id"], before)
    assert AccountFreeze.objects.get(organization_id=buyer.org.id).unfrozen_at is None
    rule.delete()
    # Still frozen, whatever the score now.
    assert pay_card(buyer, order["id"]).json()["error"]["code"] == "account_frozen"
    staff = make_staff()
    # Unfreezing: staff role, re-authentication and a reason.
    path = f"/risk/frozen-accounts/{buyer.org.id}/unfreeze"
    assert post(buyer, path, {"reason": "it was me"}, **{"X-TradeShield-Password": PASSWORD}).status_code == 403
    no_reauth = post(staff, path, {"reason": "verified by phone"})
    assert no_reauth.status_code == 403 and no_reauth.json()["error"]["code"] == "reauth_required"
    wrong = post(staff, path, {"reason": "verified by phone"}, **{"X-TradeShield-Password": "nope"})
    assert wrong.json()["error"]["code"] == "reauth_failed"
    assert post(staff, path, {"reason": ""}, **{"X-TradeShield-Password": PASSWORD}).status_code == 422
    assert AccountFreeze.objects.get(organization_id=buyer.org.id).unfrozen_at is None
    done = post(staff, path, {"reason": "verified by phone"}, **{"X-TradeShield-Password": PASSWORD})
    assert done.status_code == 200, done.content
    assert done.json()["unfrozen_by"] == staff.user.email
    decision = Decision.objects.get(action="unfreeze")
    assert (decision.organization_id, decision.reason, decision.staff_user_id) == (
        buyer.org.id,
        "verified by phone",
        staff.user.id,
    )
    assert pay_card(buyer, order["id"]).status_code == 201
    assert post(staff, path, {"reason": "again"}, **{"X-TradeShield-Password": PASSWORD}).status_code == 409


def test_a_frozen_supplier_cannot_pay_out_or_add_accounts(buyer: Party, supplier: Party) -> None:
    released_order(buyer, supplier)
    AccountFreeze.objects.create(organization_id=supplier.org.id, reason="test")
    added = add_account(supplier)
    assert added.status_code == 403 and added.json()["error"]["code"] == "account_frozen"
    from tradeshield.payouts.models import PayoutAccount

    assert not PayoutAccount.objects.filter(organization=supplier.org).exists()


def test_a_refund_request_is_screened(buyer: Party, supplier: Party) -> None:
    order = confirmed_order(buyer, supplier)
    assert pay_card(buyer, order["id"]).status_code == 201
    add_rule("test_refund", 'kind == "refund_request"', 80)
    opened = buyer.client.post(
        f"/orders/{order['id']}/disputes",
        {"reason": "not_shipped", "remedy": "full_refund", "description": "Nothing arrived."},
    )
    assert opened.status_code == 403 and opened.json()["error"]["code"] == "transaction_suspended", opened.content
    assert RiskCase.objects.get(organization_id=buyer.org.id).kind == "refund_request"
    from tradeshield.disputes.models import Dispute

    assert not Dispute.objects.filter(order_id=order["id"]).exists()


def test_the_user_gets_a_warning_in_app_and_by_email(buyer: Party, supplier: Party, settings: object) -> None:
    add_rule("test_large", 'kind == "payment" and amount >= 125000', 65)
    order = confirmed_order(buyer, supplier)
    assert pay_card(buyer, order["id"]).status_code == 409
    case = RiskCase.objects.get(organization_id=buyer.org.id)
    from procrastinate.contrib.django.models import ProcrastinateJob

    assert ProcrastinateJob.objects.filter(task_name="notifications.relay_risk_case", args__case_id=case.id).exists()
    assert risk_notices.relay_risk_case(case.id) is True
    assert risk_notices.relay_risk_case(case.id) is False  # once
    listed = buyer.client.get("/notifications")
    assert listed.status_code == 200, listed.content
    notice = listed.json()["data"][0]
    assert notice["type"] == "risk.review"
    assert "held" in notice["title"] and case.id in notice["body"] and "1,250.00 USD" in notice["body"]
    assert Notification.objects.filter(risk_case=case, user=buyer.user).count() == 1
    email = EmailDelivery.objects.get(risk_case=case, user=buyer.user)
    message = compose(email)
    assert message.to == [buyer.user.email] and "Payment risk warning" in message.subject
    assert case.id in message.body and "repeat it" in message.body
    buyer.user.preferred_language = "fr"
    buyer.user.save()
    french = compose(EmailDelivery.objects.get(pk=email.pk))
    assert french.subject == "Alerte de risque de paiement : retenu pour examen" and case.id in french.body
    sent = email_send(email.id)  # the send_email task's body, through Django's test mail backend
    assert sent is not None and sent.status == "succeeded"
    assert mail.outbox[-1].to == [buyer.user.email] and mail.outbox[-1].subject == french.subject


def test_a_payout_right_after_adding_the_account_is_held(buyer: Party, supplier: Party) -> None:
    from tests.payouts.support import payout, verified_account
    from tradeshield.payouts.models import Payout

    released_order(buyer, supplier)
    account = verified_account(supplier)
    add_rule("test_payout", 'kind == "payout"', 20)  # with payout_after_account_change (45): 65
    before = books()
    held = payout(supplier, account, 50_000)
    assert held.status_code == 409 and held.json()["error"]["code"] == "risk_review_pending", held.content
    assert books() == before and not Payout.objects.exists()
    case = RiskCase.objects.get(organization_id=supplier.org.id, kind="payout")
    assert "payout_after_account_change" in case.assessment.matched
    assert case.reference == account and case.amount == 50_000
    staff = make_staff()
    assert post(staff, f"/risk/cases/{case.id}/approve", {"reason": "known supplier"}).status_code == 200
    different = payout(supplier, account, 40_000)  # an approval covers the same amount only
    assert different.status_code == 409
    paid = payout(supplier, account, 50_000)
    assert paid.status_code == 201, paid.content
    assert Payout.objects.count() == 1
