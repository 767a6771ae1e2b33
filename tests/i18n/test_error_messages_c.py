"""Refusals in the reader's language: disputes, support, risk rules, accounts, and the API's generic errors.

The same refusal is asked for with and without `Accept-Language` (API) or a saved language (web pages);
the code and field never change, the human message does.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

import pytest
from django.http import Http404
from django.test import Client, RequestFactory
from django.utils import translation
from pydantic import BaseModel, Field, ValidationError, field_validator
from tests.conftest import Party, make_party
from tests.disputes.conftest import TOTAL, open_dispute, shipped_order, usd
from tests.support.test_support import make_agent, open_ticket

from tradeshield.accounts.services import user_set_preferred_language
from tradeshield.api.root import on_not_found
from tradeshield.api.validation import validation_message
from tradeshield.kit.errors import Invalid
from tradeshield.organizations.models import OrgKind
from tradeshield.risk.expr import ExpressionInvalid, compile_condition

pytestmark = pytest.mark.django_db


def post(party: Party, path: str, body: Any, language: str | None = None) -> Any:
    """POST as `party` (bearer token, fresh Idempotency-Key), optionally asking for a language."""
    headers = party.client._headers(str(uuid.uuid4()))
    if language:
        headers["Accept-Language"] = language
    return party.client.client.post(
        f"/api/v1{path}", data=json.dumps(body), content_type="application/json", headers=headers
    )


def error(response: Any) -> dict[str, Any]:
    return dict(response.json()["error"])


def browser(party: Party, language: str) -> Client:
    user_set_preferred_language(user=party.user, language=language)
    client = Client()
    client.force_login(party.user)
    return client


# --- disputes ---------------------------------------------------------------------------------------


def test_a_counter_offer_above_the_amount_paid_is_refused_in_the_readers_language(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    dispute_id = open_dispute(buyer, order_id).json()["id"]
    too_much = {"amount": usd(TOTAL + 1), "text": "All of it and more."}
    english = post(supplier, f"/disputes/{dispute_id}/counter", too_much)
    french = post(supplier, f"/disputes/{dispute_id}/counter", too_much, "fr")
    assert english.status_code == french.status_code == 422
    assert error(english) == {
        "code": "counter_exceeds_paid",
        "field": "amount",
        "message": f"A counter-offer cannot exceed the amount paid ({TOTAL} minor units).",
    }
    assert error(french) == {
        "code": "counter_exceeds_paid",
        "field": "amount",
        "message": f"Une contre-proposition ne peut pas dépasser le montant payé ({TOTAL} unités mineures).",
    }


def test_a_closed_dispute_names_its_status_in_the_readers_language(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    dispute_id = open_dispute(buyer, order_id).json()["id"]
    assert post(buyer, f"/disputes/{dispute_id}/withdraw", {}).status_code == 200
    offer = {"amount": usd(10_000), "text": "Ten percent."}
    english = error(post(supplier, f"/disputes/{dispute_id}/counter", offer))
    russian = error(post(supplier, f"/disputes/{dispute_id}/counter", offer, "ru"))
    chinese = error(post(supplier, f"/disputes/{dispute_id}/counter", offer, "zh-hans"))
    assert english["message"] == "A dispute that is withdrawn cannot take offers."
    assert russian["message"] == "В споре со статусом «отозван» нельзя делать предложения."  # noqa: RUF001
    assert chinese["message"] == "处于“已撤回”状态的纠纷无法接受报价。"
    assert english["code"] == russian["code"] == chinese["code"] == "dispute_not_negotiating"


def test_only_the_buyer_may_escalate_in_any_language(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    dispute_id = open_dispute(buyer, order_id).json()["id"]
    english = error(post(supplier, f"/disputes/{dispute_id}/escalate", {}))
    spanish = error(post(supplier, f"/disputes/{dispute_id}/escalate", {}, "es"))
    assert english["message"] == "Only the buyer can do this on a dispute."
    assert spanish["message"] == "Solo el comprador puede hacer esto en una disputa."
    assert english["code"] == spanish["code"] == "wrong_party"


def test_the_dispute_page_shows_the_refusal_in_spanish(buyer, supplier):
    order_id = shipped_order(buyer, supplier)
    dispute_id = open_dispute(buyer, order_id).json()["id"]
    page = browser(supplier, "es").post(
        f"/disputes/{dispute_id}/counter/", {"amount": "99999.00", "text": "Demasiado."}, follow=True
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Una contraoferta no puede superar el importe pagado ({TOTAL} unidades menores)." in html
    assert "cannot exceed the amount paid" not in html


# --- support ----------------------------------------------------------------------------------------


@pytest.fixture
def agent(db: None) -> Party:
    return make_agent("Agent En", ["en"])


def test_the_survey_of_an_open_ticket_is_refused_in_the_readers_language(buyer, agent):
    ticket = open_ticket(buyer)
    english = post(buyer, f"/support/tickets/{ticket['id']}/survey", {"rating": 5})
    french = post(buyer, f"/support/tickets/{ticket['id']}/survey", {"rating": 5}, "fr-FR,fr;q=0.9")
    assert english.status_code == french.status_code == 409
    assert error(english)["message"] == "The survey opens when the ticket is closed."
    assert error(french)["message"] == "L’enquête s’ouvre une fois le ticket clos."  # noqa: RUF001
    assert error(english)["code"] == error(french)["code"] == "ticket_not_closed"


def test_the_support_page_flashes_the_refusal_in_arabic(buyer, agent):
    page = browser(buyer, "ar").post("/support/", {"subject": "مساعدة", "body": "   "}, follow=True)
    html = page.content.decode()
    assert page.status_code == 200 and '<html lang="ar" dir="rtl">' in html
    assert "لا يجوز أن يكون هذا الحقل فارغًا." in html and "This may not be empty." not in html


def test_a_forbidden_support_action_explains_itself_on_the_403_page_in_portuguese(agent):
    response = browser(agent, "pt-br").post("/support/", {"subject": "Oi", "body": "Teste"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Aqui, somente membros de compradores e fornecedores abrem chamados." in html


# --- risk rules, accounts ---------------------------------------------------------------------------


def test_a_rule_condition_error_says_where_and_why_in_the_active_language():
    names = {"amount": "num", "card_country": "str"}
    with pytest.raises(ExpressionInvalid) as english:
        compile_condition('amount > "US"', names)
    with translation.override("fr"), pytest.raises(ExpressionInvalid) as french:
        compile_condition('amount > "US"', names)
    with translation.override("ru"), pytest.raises(ExpressionInvalid) as russian:
        compile_condition("amount >", names)
    assert english.value.message == "Cannot compare a num with a str (>)."
    assert french.value.message == "Impossible de comparer une valeur de type num à une valeur de type str (>)."
    assert russian.value.message == "Ожидалось число, строка или имя сигнала, а найдено конец условия в позиции 9."  # noqa: RUF001


def test_counted_refusals_use_the_languages_plural_forms():
    too_long = "amount > 1 or " * 40
    messages = {}
    for language in ("en", "ru", "ar"):
        with translation.override(language), pytest.raises(ExpressionInvalid) as refused:
            compile_condition(too_long, {"amount": "num"})
        messages[language] = refused.value.message
    assert messages == {
        "en": "A condition is at most 500 characters.",
        "ru": "Условие — не более 500 символов.",
        "ar": "لا يتجاوز الشرط 500 حرف.",
    }


# --- the API's generic errors -----------------------------------------------------------------------


def test_generic_api_errors_are_translated(buyer):
    api = Client()
    anonymous = api.get("/api/v1/me", headers={"Accept-Language": "es"})
    assert anonymous.status_code == 401
    assert error(anonymous) == {"code": "unauthenticated", "message": "Envíe un token bearer válido o inicie sesión."}
    assert error(api.get("/api/v1/me"))["message"] == "Send a valid bearer token or sign in."
    headers = {**buyer.client._headers(None), "Accept-Language": "fr"}
    with translation.override("fr"):
        missing = on_not_found(RequestFactory().get("/api/v1/x"), Http404())
    assert missing.status_code == 404 and json.loads(missing.content)["error"]["message"] == "Introuvable."
    malformed = api.post("/api/v1/support/tickets", data="{", content_type="application/json", headers=headers)
    assert error(malformed) == {"code": "malformed_json", "message": "Le corps de la requête n’est pas un JSON valide."}  # noqa: RUF001
    unknown = post(buyer, "/support/tickets", {"subject": "A", "body": "B", "colour": "red"}, "fr")
    assert error(unknown) == {"code": "unknown_field", "field": "colour", "message": "Champ inconnu 'colour'."}
    required = post(buyer, "/support/tickets", {"subject": "A"}, "pt-BR")
    assert error(required)["code"] == "missing_field" and error(required)["message"] == "Campo obrigatório"
    assert error(post(buyer, "/support/tickets", {"subject": "A"}))["message"] == "Field required"


def test_money_moving_requests_ask_for_an_idempotency_key_in_the_readers_language(buyer):
    headers = {**buyer.client._headers(None), "Accept-Language": "zh-CN"}
    response = Client().post("/api/v1/orders/ord_x/cancel", data="{}", content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert error(response)["message"] == "此请求涉及资金流转：请发送 Idempotency-Key 请求头。"  # noqa: RUF001


class Colour(Enum):
    RED = "red"


class Everything(BaseModel):
    name: str = Field(min_length=2, max_length=3, pattern="^[a-z]+$")
    code: str = Field(max_length=1)
    count: int = Field(gt=0, lt=10)
    floor: int = Field(ge=1, le=5)
    whole: int
    parsed: int
    ratio: float
    price: Decimal
    flag: bool
    kind: Literal["a", "b"]
    colour: Colour
    day: date
    tags: list[str] = Field(min_length=1, max_length=2)
    more: list[str] = Field(max_length=1)
    extra: dict[str, str]
    items: list[int]
    checked: str

    @field_validator("checked")
    @classmethod
    def _checked(cls, value: str) -> str:
        raise ValueError("No.")


BAD = {
    "name": "ABCD",
    "code": "xy",
    "count": 10,
    "floor": 0,
    "whole": 1.5,
    "parsed": "one",
    "ratio": "fast",
    "price": "cheap",
    "flag": "perhaps",
    "kind": "c",
    "colour": "blue",
    "day": "2026-13-40",
    "tags": [],
    "more": ["a", "b"],
    "extra": 3,
    "items": "1,2",
    "checked": "x",
}


def pydantic_errors(data: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as raised:
        Everything.model_validate(data)
    return [dict(e) for e in raised.value.errors(include_url=False)]


def test_validation_messages_are_pydantics_own_words_in_english_and_translated_otherwise():
    errors = pydantic_errors(BAD) + pydantic_errors({"name": "a"}) + pydantic_errors({"name": 1})
    kinds = {e["type"] for e in errors}
    assert {"string_too_long", "string_too_short", "greater_than_equal", "less_than", "missing"} <= kinds
    assert {"int_from_float", "int_parsing", "literal_error", "enum", "too_short", "too_long", "value_error"} <= kinds
    for err in errors:
        with translation.override("en"):
            assert validation_message(err, err["msg"]) == err["msg"], err["type"]
        with translation.override("es"):
            assert validation_message(err, err["msg"]) != err["msg"], err["type"]
    with translation.override("es"):
        too_long = next(e for e in errors if e["type"] == "string_too_long")
        assert validation_message(too_long, "") == "La cadena debe tener como máximo 3 caracteres"


def test_an_unknown_kind_keeps_pydantics_message():
    assert validation_message({"type": "uuid_version", "ctx": {}}, "UUID version 4 expected") == (
        "UUID version 4 expected"
    )


def test_an_unsupported_language_preference_is_refused_in_the_active_language(db):
    party = make_party(OrgKind.BUYER, "Lingua Ltd", "FR")
    with translation.override("fr"), pytest.raises(Invalid) as refused:
        user_set_preferred_language(user=party.user, language="xx")
    assert refused.value.message == "Cette langue n’est pas prise en charge."  # noqa: RUF001
    assert refused.value.as_dict()["error"]["code"] == "unsupported_language"
