"""Risk staff: rules as data through the API, the append-only decision log, the web queue page."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.test import Client

from tests.conftest import Party, confirmed_order, pay_card
from tests.risk.support import PASSWORD, make_staff, post
from tradeshield.risk.models import AccountFreeze, Decision, RiskCase, RiskRule

pytestmark = pytest.mark.django_db


def test_staff_change_rules_as_data_and_bad_conditions_are_refused(buyer: Party, supplier: Party) -> None:
    staff = make_staff()
    listed = staff.client.get("/risk/rules")
    assert listed.status_code == 200 and {"velocity_card_hour", "trusted_organization"} <= {
        r["name"] for r in listed.json()
    }
    body = {"name": "big_eur", "condition": 'kind == "payment" and amount >= 125000', "weight": 80, "reason": "test"}
    assert post(buyer, "/risk/rules", body).status_code == 403
    bad = post(staff, "/risk/rules", {**body, "condition": "amount >= "})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "rule_condition_invalid"
    unknown = post(staff, "/risk/rules", {**body, "condition": "os.system('x') == 1"})
    assert unknown.status_code == 422
    assert not RiskRule.objects.filter(name="big_eur").exists()
    saved = post(staff, "/risk/rules", body)
    assert saved.status_code == 200 and saved.json()["updated_by"] == staff.user.email
    assert Decision.objects.get(action="rule").detail["condition"] == body["condition"]
    order = confirmed_order(buyer, supplier)
    assert pay_card(buyer, order["id"]).json()["error"]["code"] == "transaction_suspended"  # the new rule counts
    assert post(staff, "/risk/rules", {**body, "active": False, "reason": "off again"}).status_code == 200
    assert pay_card(buyer, order["id"]).status_code == 201


def test_the_decision_log_is_append_only() -> None:
    staff = make_staff()
    Decision.objects.create(action="unfreeze", staff_user_id=staff.user.id, staff_email="s@x", reason="r")
    for statement in ("UPDATE risk_decision SET reason = 'edited'", "DELETE FROM risk_decision"):
        with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
            from django.db import connection

            with connection.cursor() as cur:
                cur.execute(statement)
    assert Decision.objects.get().reason == "r"


def test_the_staff_queue_page(buyer: Party) -> None:
    staff = make_staff("support_agent")
    from tradeshield.risk.models import Assessment

    assessment = Assessment.objects.create(
        kind="payment", organization_id=buyer.org.id, score=70, outcome="review", matched=["test_rule"]
    )
    case = RiskCase.objects.create(
        assessment=assessment, kind="payment", organization_id=buyer.org.id, outcome="review", status="pending"
    )
    AccountFreeze.objects.create(organization_id=buyer.org.id, reason="test_rule")
    web = Client()
    web.force_login(staff.user)
    page = web.get("/staff/risk/")
    assert page.status_code == 200
    html = page.content.decode()
    assert case.id in html and "Acme Imports" in html and "test_rule" in html
    approved = web.post(f"/staff/risk/cases/{case.id}/approve/", {"reason": ""})
    assert approved.status_code == 302
    case.refresh_from_db()
    assert case.status == "approved" and case.decided_by == staff.user.email
    # Unfreezing on the web asks for the password first, then needs a reason.
    asked = web.post(f"/staff/risk/frozen/{buyer.org.id}/unfreeze/", {"reason": "checked"})
    assert asked.status_code == 302 and "/account/confirm-password/" in asked["Location"]
    assert AccountFreeze.objects.get().unfrozen_at is None
    confirmed = web.post("/account/confirm-password/", {"password": PASSWORD, "next": "/staff/risk/"})
    assert confirmed.status_code == 302
    done = web.post(f"/staff/risk/frozen/{buyer.org.id}/unfreeze/", {"reason": "checked with the buyer"})
    assert done.status_code == 302
    freeze = AccountFreeze.objects.get()
    assert freeze.unfrozen_at is not None and freeze.unfreeze_reason == "checked with the buyer"
    member = Client()
    member.force_login(buyer.user)
    assert member.get("/staff/risk/").status_code == 403
