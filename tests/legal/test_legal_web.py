"""The web pages: the buttons on the order page, asking a firm, the conversation on the case."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import make_party
from tests.disputes.conftest import shipped_order
from tradeshield.legal.models import Consultation
from tradeshield.organizations.models import OrgKind

pytestmark = pytest.mark.django_db


def _web(party):
    client = Client()
    client.force_login(party.user)
    return client


def test_a_party_asks_a_firm_and_the_lawyer_answers_on_the_web(buyer, supplier):
    firm = make_party(OrgKind.LEGAL_PARTNER, "Lex Partners", "GB", role="lawyer")
    order_id = shipped_order(buyer, supplier)
    web = _web(buyer)
    page = web.get(f"/orders/{order_id}/").content.decode()
    assert f"/orders/{order_id}/evidence-bundle/" in page and f"/orders/{order_id}/legal/" in page
    assert web.get(f"/orders/{order_id}/evidence-bundle/")["Content-Type"] == "application/zip"
    empty = web.post(f"/orders/{order_id}/legal/", {"firm_id": firm.org.id, "question": ""})
    assert empty.status_code == 422 and not Consultation.objects.exists()
    sent = web.post(f"/orders/{order_id}/legal/", {"firm_id": firm.org.id, "question": "Can we sue?"})
    case = Consultation.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/legal/{case.id}/"

    lawyer = _web(firm)
    assert case.id in lawyer.get("/legal/").content.decode()
    assert lawyer.get(f"/orders/{order_id}/").status_code == 404
    lawyer.post(f"/legal/{case.id}/", {"body": "Yes, with the invoice."})
    shown = web.get(f"/legal/{case.id}/").content.decode()
    assert "Can we sue?" in shown and "Yes, with the invoice." in shown
    assert _web(supplier).get(f"/legal/{case.id}/").status_code == 404
    assert lawyer.get(f"/legal/{case.id}/bundle/").content.startswith(b"PK")
