"""Filing, reviewing and deciding qualification applications; the order gate; bad input; access."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from tests.conftest import Party, confirmed_order, order_body
from tests.suppliers.conftest import ALL_OK, PDF, PNG, application_body, approve, filed, new_supplier, staff, upload
from tradeshield.kit import clock
from tradeshield.notifications.models import EmailDelivery, Notification
from tradeshield.notifications.supplier_events import relay_supplier_event
from tradeshield.suppliers.models import Certification, SupplierApplication, SupplierEvent
from tradeshield.suppliers.selectors import supplier_trust_facts

pytestmark = pytest.mark.django_db(transaction=False)


def test_unqualified_supplier_cannot_create_or_confirm_orders(fresh: Party, buyer: Party, reviewer: Party) -> None:
    refused = fresh.client.post("/orders", order_body(buyer_id=buyer.org.id), key=False)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "supplier_not_qualified"
    by_buyer = buyer.client.post(
        "/orders", {**order_body(buyer_id=buyer.org.id), "buyer_id": None, "supplier_id": fresh.org.id} | {}, key=False
    )
    assert by_buyer.status_code in (403, 422)
    application = filed(fresh)
    assert fresh.client.post("/orders", order_body(buyer_id=buyer.org.id), key=False).status_code == 403
    approved = approve(reviewer, application["id"])
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"
    assert confirmed_order(buyer, fresh)["status"] == "awaiting_payment"


def test_review_flow_request_info_then_resubmit_then_approve_is_audited(fresh: Party, reviewer: Party) -> None:
    application = filed(fresh)
    assert application["status"] == "submitted"
    asked = reviewer.client.post(
        f"/suppliers/applications/{application['id']}/decision",
        {"decision": "request_info", "reasons": "Upload the ISO 9001 certificate scan."},
    )
    assert asked.status_code == 200 and asked.json()["status"] == "info_requested"
    # the supplier sees the reviewer's request and edits
    mine = fresh.client.get(f"/suppliers/applications/{application['id']}").json()
    assert mine["decision_reasons"] == "Upload the ISO 9001 certificate scan."
    assert (
        upload(
            fresh, f"/suppliers/applications/{application['id']}/documents", PNG, "iso.png", kind="certificate"
        ).status_code
        == 201
    )
    edited = fresh.client.put(f"/suppliers/applications/{application['id']}", application_body(license_number="NEW-1"))
    assert edited.status_code == 200 and edited.json()["license_number"] == "NEW-1"
    assert fresh.client.post(f"/suppliers/applications/{application['id']}/submit").json()["status"] == "submitted"
    incomplete = reviewer.client.post(
        f"/suppliers/applications/{application['id']}/decision",
        {"decision": "approve", "checklist": {"license": {"ok": True}}},
    )
    assert incomplete.status_code == 422 and incomplete.json()["error"]["code"] == "checklist_incomplete"
    assert (
        reviewer.client.put(f"/suppliers/applications/{application['id']}/checklist", {"items": ALL_OK}).status_code
        == 200
    )
    done = reviewer.client.post(f"/suppliers/applications/{application['id']}/decision", {"decision": "approve"})
    assert done.status_code == 200
    kinds = [e["kind"] for e in done.json()["history"]]
    assert kinds == [
        "application.created",
        "application.submitted",
        "application.info_requested",
        "application.resubmitted",
        "application.approved",
    ]
    decision = SupplierEvent.objects.get(application_id=application["id"], kind="application.info_requested")
    assert decision.actor == reviewer.user.email and decision.actor_user_id == reviewer.user.id
    assert decision.reasons == "Upload the ISO 9001 certificate scan."
    assert all(c["ok"] for c in done.json()["checklist"])


def test_decisions_notify_the_supplier_in_app_and_by_email(fresh: Party, reviewer: Party) -> None:
    application = filed(fresh)
    reviewer.client.post(
        f"/suppliers/applications/{application['id']}/decision", {"decision": "reject", "reasons": "Fake license."}
    )
    event = SupplierEvent.objects.get(application_id=application["id"], kind="application.rejected")
    assert relay_supplier_event(event.pk) is True
    assert relay_supplier_event(event.pk) is False  # relayed once
    notice = Notification.objects.get(supplier_event=event, user=fresh.user)
    assert EmailDelivery.objects.filter(supplier_event=event, user=fresh.user).count() == 1
    listed = fresh.client.get("/notifications").json()["data"]
    mine = next(n for n in listed if n["id"] == notice.id)
    assert mine["title"] == "Qualification rejected" and "Fake license." in mine["body"]
    assert mine["order_id"] is None and mine["link"] == "/qualification/"


def test_reject_needs_reasons_and_a_decision_is_made_once(fresh: Party, reviewer: Party) -> None:
    application = filed(fresh)
    path = f"/suppliers/applications/{application['id']}/decision"
    no_reason = reviewer.client.post(path, {"decision": "reject"})
    assert no_reason.status_code == 422 and no_reason.json()["error"]["field"] == "reasons"
    assert reviewer.client.post(path, {"decision": "reject", "reasons": "Expired scan."}).status_code == 200
    again = approve(reviewer, application["id"])
    assert again.status_code == 409 and again.json()["error"]["code"] == "application_not_reviewable"
    assert SupplierApplication.objects.get(pk=application["id"]).status == "rejected"


def test_deciding_needs_the_reviewer_role(fresh: Party, reviewer: Party, buyer: Party) -> None:
    application = filed(fresh)
    for party in (staff("support_agent"), staff("trade_expert"), fresh):
        refused = approve(party, application["id"])
        assert refused.status_code in (403, 404), refused.json()
    assert approve(buyer, application["id"]).status_code in (403, 404)
    assert staff("support_agent").client.get("/suppliers/review-queue").status_code == 403
    assert SupplierApplication.objects.get(pk=application["id"]).status == "submitted"
    assert approve(staff("admin"), application["id"]).status_code == 200


def test_draft_cannot_be_decided_and_approved_cannot_be_edited(fresh: Party, reviewer: Party) -> None:
    draft = fresh.client.post("/suppliers/applications", application_body()).json()
    assert approve(reviewer, draft["id"]).status_code == 409
    fresh.client.post(f"/suppliers/applications/{draft['id']}/submit")
    assert approve(reviewer, draft["id"]).status_code == 200
    edit = fresh.client.put(f"/suppliers/applications/{draft['id']}", application_body())
    assert edit.status_code == 409 and edit.json()["error"]["code"] == "application_not_editable"
    second_open = fresh.client.post("/suppliers/applications", application_body())
    assert second_open.status_code == 201
    assert fresh.client.post("/suppliers/applications", application_body()).status_code == 409


def test_valid_to_before_valid_from_is_refused_by_api_and_database(fresh: Party) -> None:
    today = clock.today()
    body = application_body()
    body["certifications"][0]["valid_to"] = (today - timedelta(days=300)).isoformat()
    refused = fresh.client.post("/suppliers/applications", body)
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "valid_to_before_valid_from",
        "message": refused.json()["error"]["message"],
        "field": "certifications[0].valid_to",
    }
    license_backwards = application_body(
        license_valid_from=today.isoformat(), license_valid_to=(today - timedelta(days=1)).isoformat()
    )
    assert fresh.client.post("/suppliers/applications", license_backwards).status_code == 422
    assert not SupplierApplication.objects.filter(supplier=fresh.org).exists()
    application = fresh.client.post("/suppliers/applications", application_body()).json()
    with pytest.raises(IntegrityError), transaction.atomic():
        Certification.objects.create(
            application_id=application["id"],
            supplier=fresh.org,
            standard="ISO 14001",
            number="x",
            body="TÜV",
            valid_from=today,
            valid_to=today - timedelta(days=1),
        )


def test_bad_uploads_are_refused(fresh: Party) -> None:
    application = fresh.client.post("/suppliers/applications", application_body()).json()
    path = f"/suppliers/applications/{application['id']}/documents"
    too_large = upload(fresh, path, PDF + b"0" * (10 * 1024 * 1024), "big.pdf")
    assert too_large.status_code == 422 and too_large.json()["error"]["code"] == "file_too_large"
    wrong_type = upload(fresh, path, b"MZ\x90\x00 an executable", "license.pdf")
    assert wrong_type.status_code == 422 and wrong_type.json()["error"]["code"] == "file_type"
    mismatched = upload(fresh, path, PDF, "license.png")
    assert mismatched.status_code == 422 and mismatched.json()["error"]["code"] == "file_extension_mismatch"
    no_extension = upload(fresh, path, PNG, "scan")
    assert no_extension.status_code == 422
    assert fresh.client.get(f"/suppliers/applications/{application['id']}").json()["documents"] == []
    assert upload(fresh, path, PNG, "scan.PNG").status_code == 201


def test_other_organizations_get_404_and_cannot_download(fresh: Party, buyer: Party, reviewer: Party) -> None:
    application = filed(fresh)
    document = fresh.client.get(f"/suppliers/applications/{application['id']}").json()["documents"][0]
    rival = new_supplier("Rival Lamps")
    for party in (rival, buyer):
        assert party.client.get(f"/suppliers/applications/{application['id']}").status_code == 404
        assert party.client.get(f"/suppliers/documents/{document['id']}/content").status_code == 404
        edit = party.client.put(f"/suppliers/applications/{application['id']}", application_body())
        assert edit.status_code == (404 if party is rival else 403)  # buyers: 403 supplier_required
    assert rival.client.get("/suppliers/applications").json()["data"] == []
    own = fresh.client.get(f"/suppliers/documents/{document['id']}/content")
    assert own.status_code == 200 and own.content == PDF and own["Content-Type"] == "application/pdf"
    assert reviewer.client.get(f"/suppliers/documents/{document['id']}/content").content == PDF


def test_trust_facts_show_valid_certifications_to_buyers(fresh: Party, buyer: Party, reviewer: Party) -> None:
    application = filed(fresh)
    pending = buyer.client.get(f"/suppliers/{fresh.org.id}/trust").json()
    assert pending["qualification_status"] == "pending" and pending["certifications"] == []
    approve(reviewer, application["id"])
    trust = buyer.client.get(f"/suppliers/{fresh.org.id}/trust").json()
    assert trust["qualification_status"] == "qualified"
    assert [(c["standard"], c["body"]) for c in trust["certifications"]] == [("ISO 9001", "SGS")]
    assert trust["verified"] is False
    assert buyer.client.get("/suppliers/org_missing/trust").status_code == 404
    facts = supplier_trust_facts([fresh.org.id, buyer.org.id])
    assert facts[fresh.org.id].qualified and facts[buyer.org.id].status == "none"


def test_decision_email_is_sent_in_the_suppliers_language(fresh: Party, reviewer: Party, settings: Any) -> None:
    from django.core import mail

    from tradeshield.notifications.emails import email_send

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    fresh.user.preferred_language = "es"
    fresh.user.save(update_fields=["preferred_language"])
    application = filed(fresh)
    reviewer.client.post(
        f"/suppliers/applications/{application['id']}/decision",
        {"decision": "request_info", "reasons": "Falta el certificado ISO 9001."},
    )
    event = SupplierEvent.objects.get(application_id=application["id"], kind="application.info_requested")
    relay_supplier_event(event.pk)
    email = EmailDelivery.objects.get(supplier_event=event)
    sent = email_send(email.id)
    assert sent is not None and sent.status == "succeeded"
    message = mail.outbox[-1]
    assert message.to == [fresh.user.email]
    assert message.subject == "Se necesita más información para su cualificación"
    assert "Falta el certificado ISO 9001." in message.body and "/qualification/" in message.body
    assert message.extra_headers["X-TradeShield-Supplier"] == fresh.org.id


def test_suppliers_from_before_qualification_are_grandfathered_for_90_days(fresh: Party, buyer: Party) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("tradeshield.suppliers.migrations.0002_grandfather_existing_suppliers")
    migration.grandfather(apps, None)
    application = SupplierApplication.objects.get(supplier=fresh.org)
    assert application.status == "approved" and application.license_number == "GRANDFATHERED"
    assert application.license_valid_to == clock.today() + timedelta(days=90)
    assert not SupplierApplication.objects.filter(supplier=buyer.org).exists()
    assert SupplierEvent.objects.get(supplier=fresh.org).kind == "application.grandfathered"
    assert supplier_trust_facts([fresh.org.id])[fresh.org.id].qualified
    migration.grandfather(apps, None)  # suppliers that have an application are left alone
    assert SupplierApplication.objects.filter(supplier=fresh.org).count() == 1
