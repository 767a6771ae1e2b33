"""Refusals of messaging, reviews, webhooks and supplier qualification reach people in their language:
API callers get the Accept-Language they ask for (English without it), web pages the user's saved one."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.conftest import Party, confirmed_order
from tests.web.support import Member, make_member, make_staff, messages_of, paid, shipped

from tradeshield.accounts.services import user_set_preferred_language
from tradeshield.orders import paying
from tradeshield.organizations.models import OrgKind
from tradeshield.reviews import services as reviews

pytestmark = pytest.mark.django_db


def api_post(party: Party, path: str, body: dict[str, Any], language: str | None) -> Any:
    headers = {"Authorization": f"Bearer {party.client.token}"}
    if language:
        headers["Accept-Language"] = language
    return party.client.client.post(
        f"/api/v1{path}", data=json.dumps(body), content_type="application/json", headers=headers
    )


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (None, "Inquiries go to supplier organizations."),
        ("fr", "Les demandes s’adressent aux organisations fournisseurs."),  # noqa: RUF001
        ("zh-CN,zh;q=0.9", "询盘只能发送给供应商组织。"),
    ],
)
def test_an_inquiry_to_a_buyer_is_refused_in_the_language_asked_for(buyer, other_buyer, language, message):
    body = {"supplier_id": other_buyer.org.id, "subject": "Quote", "body": "Price?"}
    response = api_post(buyer, "/inquiries", body, language)
    assert response.status_code == 422
    assert response.json()["error"] == {"code": "not_a_supplier", "message": message, "field": "supplier_id"}


def test_a_limit_in_a_translated_message_keeps_its_number(buyer, supplier):
    body = {"supplier_id": supplier.org.id, "subject": "Quote", "body": "x" * 5001}
    french = api_post(buyer, "/inquiries", body, "fr-FR")
    assert french.status_code == 422
    assert french.json()["error"]["message"] == "Un message est limité à 5000 caractères."
    assert french.json()["error"]["code"] == "message_too_long"
    english = api_post(buyer, "/inquiries", body, None)
    assert english.json()["error"]["message"] == "A message is limited to 5000 characters."


def test_reviewing_an_unfinished_order_is_refused_in_french_or_english(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    ratings = {"product_quality": 5, "delivery_time": 5, "service": 5}
    french = api_post(buyer, f"/orders/{order['id']}/review", ratings, "fr")
    assert french.status_code == 409
    assert french.json()["error"] == {
        "code": "order_not_completed",
        "message": "Seule une commande terminée peut recevoir un avis.",
    }
    english = api_post(buyer, f"/orders/{order['id']}/review", ratings, None)
    assert english.json()["error"]["message"] == "Only a completed order can be reviewed."


@pytest.mark.parametrize(
    ("body", "language", "code", "message"),
    [
        ({"url": "ftp://hooks.example.com/in"}, "es", "invalid_url", "La URL debe empezar por https:// (o http://)."),
        ({"url": "ftp://hooks.example.com/in"}, None, "invalid_url", "The URL must start with https:// (or http://)."),
        (
            {"url": "https://hooks.example.com/in", "event_types": ["order.teleported"]},
            "ru",
            "unknown_event_type",
            "Неизвестный тип события: 'order.teleported'.",
        ),
    ],
)
def test_webhook_endpoint_refusals_are_translated(buyer, body, language, code, message):
    response = api_post(buyer, "/webhook-endpoints", body, language)
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["message"]) == (code, message)


def test_a_qualification_application_with_a_bad_country_is_refused_in_portuguese(supplier):
    body = {
        "license_number": "BL-2",
        "license_country": "cn",
        "license_valid_from": "2024-01-01",
        "license_valid_to": "2030-01-01",
    }
    response = api_post(supplier, "/suppliers/applications", body, "pt-BR")
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "qualification_invalid",
        "message": "Informe o país emissor como código ISO 3166-1 alfa-2 (ex.: CN).",
        "field": "license_country",
    }


@pytest.fixture
def web_buyer(db: None) -> Member:
    return make_member(OrgKind.BUYER, "Acme Imports", "US")


@pytest.fixture
def web_supplier(db: None) -> Member:
    return make_member(OrgKind.SUPPLIER, "Shenzhen Bright", "CN")


@pytest.mark.parametrize(
    ("language", "flash"), [("", "This review has a reply already."), ("es", "Esta reseña ya tiene una respuesta.")]
)
def test_a_second_reply_shows_the_refusal_in_the_suppliers_language(web_buyer, web_supplier, language, flash):
    order = shipped(web_supplier, web_buyer)
    paying.order_confirm_receipt(actor=web_buyer.actor, order_id=order.id)
    review = reviews.review_create(
        actor=web_buyer.actor, order_id=order.id, product_quality=5, delivery_time=4, service=5, text="Good"
    )
    reviews.review_reply(actor=web_supplier.actor, review_id=review.id, text="Thank you.")
    if language:
        user_set_preferred_language(user=web_supplier.user, language=language)
    twice = web_supplier.client.post(f"/reviews/{review.id}/reply/", {"text": "Again"}, follow=True)
    assert twice.status_code == 200
    assert flash in messages_of(twice)


def test_staff_posting_in_an_order_conversation_is_refused_in_arabic(web_buyer, web_supplier):
    order = paid(web_supplier, web_buyer)
    staff = make_staff("support_agent")
    user_set_preferred_language(user=staff.user, language="ar")
    refused = staff.client.post(f"/orders/{order.id}/messages/", {"body": "hello"}, follow=True)
    assert "يطّلع فريق المنصة على المحادثات ولا يكتب فيها." in messages_of(refused)
