"""Legal consultations: a party sends its bundle to a partner firm; the firm sees only its own cases."""

from __future__ import annotations

import hashlib

import pytest

from tests.conftest import make_party
from tests.disputes.conftest import open_dispute, shipped_order
from tradeshield.files.models import StoredFile
from tradeshield.organizations.models import OrgKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(db):
    return make_party(OrgKind.LEGAL_PARTNER, "Lex Partners", "GB", role="lawyer")


@pytest.fixture
def other_firm(db):
    return make_party(OrgKind.LEGAL_PARTNER, "Other Counsel", "FR", role="lawyer")


def _ask(party, order_id, firm, question="Can we claim the full amount?"):
    return party.client.post(f"/orders/{order_id}/legal-consultations", {"firm_id": firm.org.id, "question": question})


def test_a_party_sends_its_bundle_and_talks_with_the_firm(buyer, supplier, firm):
    order_id = shipped_order(buyer, supplier)
    dispute = open_dispute(buyer, order_id).json()
    assert [p["id"] for p in buyer.client.get("/legal/partners").json()] == [firm.org.id]
    response = _ask(buyer, order_id, firm)
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["dispute_id"] == dispute["id"] and case["firm_id"] == firm.org.id
    stored = StoredFile.objects.get(pk=case["bundle_file_id"])
    assert stored.purpose == "legal_bundle" and stored.content_type == "application/zip"
    sent = firm.client.get(f"/legal/consultations/{case['id']}/bundle")
    assert sent.status_code == 200 and hashlib.sha256(sent.content).hexdigest() == case["bundle_sha256"]

    reply = firm.client.post(f"/legal/consultations/{case['id']}/messages", {"body": "Yes: send us the invoice."})
    assert reply.status_code == 201, reply.content
    thread = buyer.client.get(f"/legal/consultations/{case['id']}").json()["messages"]
    assert [(m["organization_id"], m["body"]) for m in thread] == [
        (buyer.org.id, "Can we claim the full amount?"),
        (firm.org.id, "Yes: send us the invoice."),
    ]
    assert [c["id"] for c in firm.client.get("/legal/consultations").json()] == [case["id"]]


def test_the_firm_sees_only_cases_sent_to_it_and_never_orders(buyer, supplier, other_buyer, firm, other_firm):
    order_id = shipped_order(buyer, supplier)
    case = _ask(buyer, order_id, firm).json()
    assert firm.client.get(f"/orders/{order_id}").status_code == 404
    assert firm.client.get(f"/orders/{order_id}/evidence-bundle").status_code == 404
    assert firm.client.get("/orders").json()["data"] == []
    for stranger in (other_firm, other_buyer, supplier):  # the counterparty is not told either
        assert stranger.client.get(f"/legal/consultations/{case['id']}").status_code == 404
        assert stranger.client.get(f"/legal/consultations/{case['id']}/bundle").status_code == 404
        posted = stranger.client.post(f"/legal/consultations/{case['id']}/messages", {"body": "hi"})
        assert posted.status_code == 404
        assert stranger.client.get("/legal/consultations").json() == []
    assert _ask(other_buyer, order_id, firm).status_code == 404
    assert _ask(firm, order_id, firm).status_code == 404


def test_bad_requests_get_machine_readable_4xx(buyer, supplier, firm, other_buyer):
    order_id = shipped_order(buyer, supplier)
    not_a_firm = buyer.client.post(
        f"/orders/{order_id}/legal-consultations", {"firm_id": other_buyer.org.id, "question": "?"}
    )
    assert not_a_firm.status_code == 422 and not_a_firm.json()["error"]["code"] == "unknown_legal_partner"
    empty = _ask(buyer, order_id, firm, question="   ")
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "message_empty"
    long = _ask(buyer, order_id, firm, question="x" * 5001)
    assert long.status_code == 422 and long.json()["error"]["code"] == "message_too_long"


def test_the_other_side_is_notified_by_a_real_job_in_its_language(buyer, supplier, firm):
    from django.core import mail
    from django.db import connection

    from tradeshield.legal.models import ConsultationMessage
    from tradeshield.legal.tasks import notify_message

    firm.user.preferred_language = "fr"
    firm.user.save()
    order_id = shipped_order(buyer, supplier)
    case = _ask(buyer, order_id, firm).json()
    firm.client.post(f"/legal/consultations/{case['id']}/messages", {"body": "Send the invoice."})
    with connection.cursor() as cur:
        cur.execute("SELECT args->>'message_id' FROM procrastinate_jobs WHERE task_name = 'legal.notify_message'")
        deferred = [row[0] for row in cur.fetchall()]
    messages = list(ConsultationMessage.objects.filter(consultation_id=case["id"]).order_by("created_at", "id"))
    assert deferred == [m.id for m in messages]
    assert notify_message(messages[0].id) == 1  # the lawyer, in French
    assert notify_message(messages[1].id) == 1  # the requester's only member
    to_lawyer, to_buyer = mail.outbox
    assert to_lawyer.to == [firm.user.email] and to_lawyer.subject.startswith("Nouvelle consultation juridique")
    assert to_buyer.to == [buyer.user.email] and f"/legal/{case['id']}/" in to_buyer.body
    assert "Send the invoice." not in to_buyer.body  # privileged text stays on the platform
