"""Refusals from orders, payments, payouts, shipments and the supplier directory speak the reader's language.

The API answers in the language the client asks for (Accept-Language) and in English without it; the
machine-readable code and field never change. Web pages show the same refusal in the user's saved language.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from tests.conftest import VISA, Party, confirmed_order, order_body
from tests.payouts.support import add_account
from tests.web.support import confirmed, hidden, make_member

from tradeshield.accounts.services import user_set_preferred_language
from tradeshield.kit import clock
from tradeshield.kit.http import MAX_LIMIT
from tradeshield.organizations.models import OrgKind

pytestmark = pytest.mark.django_db


def call(party: Party, path: str, body: Any = None, *, lang: str | None = None, method: str = "post") -> Any:
    headers = {"Authorization": f"Bearer {party.client.token}", "Idempotency-Key": str(uuid.uuid4())}
    if lang:
        headers["Accept-Language"] = lang
    if method == "get":
        return party.client.client.get(f"/api/v1{path}", body or {}, headers=headers)
    return party.client.client.post(
        f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json", headers=headers
    )


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    return dict(response.json()["error"])


def test_an_order_refusal_is_french_when_asked_and_english_otherwise(buyer, supplier):
    body = order_body(buyer_id=buyer.org.id, ship_by_date=(clock.today() - timedelta(days=1)).isoformat())
    english = error_of(call(supplier, "/orders", body), 422)
    french = error_of(call(supplier, "/orders", body, lang="fr-FR,fr;q=0.9"), 422)
    assert english == {"code": "order_invalid", "field": "ship_by_date", "message": "The ship-by date is in the past."}
    assert french == {**english, "message": "La date limite d\u2019expédition est déjà passée."}


def test_a_payment_refusal_carries_its_amount_into_the_translation(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    body = {"method": "card", "card": VISA, "amount": {"amount": 1, "currency": "USD"}}
    english = error_of(call(buyer, f"/orders/{order['id']}/payments", body), 422)
    french = error_of(call(buyer, f"/orders/{order['id']}/payments", body, lang="fr"), 422)
    assert english["code"] == french["code"] == "amount_mismatch"
    assert english["message"] == "This milestone is 125000 minor units."
    assert french["message"] == "Cette échéance s\u2019élève à 125000 (en unités monétaires mineures)."


def test_payout_verification_counts_attempts_in_the_languages_plural_forms(supplier):
    created = add_account(supplier)
    assert created.status_code == 201, created.content
    path = f"/payout-accounts/{created.json()['id']}/verify"
    russian = error_of(call(supplier, path, {"amounts": [1, 2]}, lang="ru"), 422)
    assert russian["code"] == "verification_amounts_wrong"
    assert russian["message"] == "Это не те суммы, которые мы отправили; осталось 2 попытки."
    english = error_of(call(supplier, path, {"amounts": [1, 2]}), 422)
    assert english["message"] == "Those are not the amounts we sent; 1 attempt left."


def test_a_directory_query_refusal_is_french_with_its_limit(buyer):
    french = error_of(call(buyer, "/suppliers/directory", {"limit": "0"}, lang="fr", method="get"), 422)
    english = error_of(call(buyer, "/suppliers/directory", {"limit": "0"}, method="get"), 422)
    assert (french["code"], french["field"]) == (english["code"], english["field"]) == ("invalid_search", "limit")
    assert english["message"] == f"limit is from 1 to {MAX_LIMIT}."
    assert french["message"] == f"limit est compris entre 1 et {MAX_LIMIT}."


def test_a_tracking_csv_refusal_translates_both_the_row_and_the_problem(supplier):
    headers = {"Authorization": f"Bearer {supplier.client.token}", "Accept-Language": "es"}
    response = supplier.client.client.post(
        "/api/v1/shipment-events/import",
        data=b"tracking_number,kind,occurred_at,colour\n",
        content_type="text/csv",
        headers=headers,
    )
    error = error_of(response, 422)
    assert error["field"] == "row 1: colour"
    assert error["message"].startswith("Fila 1, columna colour: columna desconocida; use ")
    assert "Row" not in error["message"] and "unknown column" not in error["message"]


def test_the_order_page_flashes_a_refusal_in_the_users_spanish():
    supplier = make_member(OrgKind.SUPPLIER, "Shenzhen Bright", "CN")
    buyer = make_member(OrgKind.BUYER, "Acme Imports", "US")
    order = confirmed(supplier, buyer)  # awaiting payment: nothing to receive yet
    form = {"confirm": "on", "idempotency_key": str(uuid.uuid4())}

    english = buyer.client.post(f"/orders/{order.id}/receive/", form, follow=True).content.decode()
    assert "An order that is awaiting_payment cannot be received." in english

    user_set_preferred_language(user=buyer.user, language="es")
    form["idempotency_key"] = str(uuid.uuid4())
    spanish = buyer.client.post(f"/orders/{order.id}/receive/", form, follow=True).content.decode()
    assert "Un pedido en estado awaiting_payment no se puede dar por recibido." in spanish
    assert "cannot be received" not in spanish


def test_the_pay_page_shows_a_card_error_in_the_users_arabic():
    supplier = make_member(OrgKind.SUPPLIER, "Shenzhen Bright", "CN")
    buyer = make_member(OrgKind.BUYER, "Acme Imports", "US")
    user_set_preferred_language(user=buyer.user, language="ar")
    order = confirmed(supplier, buyer)
    page = buyer.client.get(f"/orders/{order.id}/pay/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    form = {
        "method": "card",
        "idempotency_key": hidden(page, "idempotency_key"),
        "milestone_id": hidden(page, "milestone_id"),
        "expected_amount": hidden(page, "expected_amount"),
        "number": "4242 4242 4242 4241",  # fails the Luhn check digit
        "exp_month": "12",
        "exp_year": str(VISA["exp_year"]),
        "cvc": "123",
        "country": "US",
    }
    response = buyer.client.post(f"/orders/{order.id}/pay/", form)
    assert response.status_code == 422
    html = response.content.decode()
    assert "رقم البطاقة غير صالح (رقم التحقق)." in html
    assert "check digit" not in html
