"""The OpenAPI document describes the payment-method offers, paying in another currency and the locked
rate; bad values on the new routes are 4xx."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import confirmed_order

pytestmark = pytest.mark.django_db


def _spec() -> dict:
    return Client().get("/api/v1/openapi.json").json()


def _schema(spec: dict, name: str) -> dict:
    return spec["components"]["schemas"][name]


def test_openapi_documents_methods_and_fx():
    spec = _spec()
    route = spec["paths"]["/api/v1/orders/{order_id}/payment-methods"]["get"]
    assert {"200", "404", "422"} <= set(route["responses"])
    assert "currency" in {p["name"] for p in route["parameters"]}
    pay_in = _schema(spec, "PaymentIn")
    assert "pay_currency" in pay_in["properties"]
    assert {"sepa", "boleto", "paypal", "alipay", "apple_pay", "google_pay"} <= set(
        pay_in["properties"]["method"]["enum"]
    )
    assert "fx" in _schema(spec, "PaymentOut")["properties"]
    assert set(_schema(spec, "FxRateOut")["properties"]) == {"base", "quote", "rate", "source", "as_of"}
    option = _schema(spec, "PaymentMethodOptionOut")["properties"]
    assert {"fee", "settlement_business_days", "refund_business_days", "limit", "you_pay"} <= set(option)


def test_unknown_method_and_bad_currency_are_4xx(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    bad_method = buyer.client.post(f"/orders/{order['id']}/payments", {"method": "bitcoin"})
    assert bad_method.status_code == 422
    bad_currency = buyer.client.post(
        f"/orders/{order['id']}/payments", {"method": "card", "card": {}, "pay_currency": "EURO"}
    )
    assert bad_currency.status_code == 422
    quote = buyer.client.get(f"/orders/{order['id']}/payment-methods", currency="ZZZ")
    assert quote.status_code == 422 and quote.json()["error"]["code"] == "unsupported_currency"
