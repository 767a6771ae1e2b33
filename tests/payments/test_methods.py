"""Localized payment methods as data: which methods a buyer is offered, limits, and each method paying
through the sandbox with its own fee booked in the ledger (issue 7, item 6)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import VISA, confirmed_order, make_party
from tests.helpers import assert_books_balance, balance, ledger_snapshot
from tradeshield.organizations.models import OrgKind
from tradeshield.payments import providers
from tradeshield.payments.models import Payment, PaymentMethodOffer
from tradeshield.payments.timeline import expected_times

pytestmark = pytest.mark.django_db

ACH = {"routing_number": "011000015", "account_number": "000123456789"}


def buyer_in(country: str, currency: str) -> Any:
    return make_party(OrgKind.BUYER, f"Buyer {country}", country, currency=currency)


def offered(party: Any, order_id: str, **params: str) -> dict[str, Any]:
    response = party.client.get(f"/orders/{order_id}/payment-methods", **params)
    assert response.status_code == 200, response.content
    return {m["method"]: m for m in response.json()["methods"]}


@pytest.mark.parametrize(
    ("country", "currency", "present", "absent"),
    [
        (
            "US",
            "USD",
            {"card", "bank_transfer", "echeck", "paypal", "apple_pay", "google_pay"},
            {"sepa", "boleto", "alipay"},
        ),
        ("DE", "EUR", {"card", "bank_transfer", "sepa", "paypal", "apple_pay"}, {"echeck", "boleto", "alipay"}),
        ("BR", "BRL", {"card", "bank_transfer", "boleto", "paypal"}, {"echeck", "sepa", "alipay"}),
        ("CN", "CNY", {"card", "bank_transfer", "alipay", "google_pay"}, {"echeck", "sepa", "boleto", "paypal"}),
        ("US", "EUR", {"card", "bank_transfer", "paypal"}, {"echeck", "sepa"}),  # SEPA needs a euro-area buyer
        ("DE", "USD", {"card", "bank_transfer"}, {"echeck", "sepa"}),  # e-Check needs a US buyer
    ],
)
def test_methods_offered_depend_on_country_and_currency(supplier, country, currency, present, absent):
    buyer = buyer_in(country, currency)
    order = confirmed_order(buyer, supplier, currency=currency)
    methods = offered(buyer, order["id"])
    assert present <= set(methods), set(methods)
    assert not absent & set(methods), set(methods)
    card = methods["card"]
    assert card["refund_business_days"] == [12, 12] and card["settlement_business_days"] == [0, 0]
    assert methods["bank_transfer"]["settlement_business_days"] == [3, 7]
    assert methods["bank_transfer"]["fee"] == {"amount": 0, "currency": currency}


def test_the_table_is_data(buyer, supplier):
    """Switching a row off (or changing its countries) changes what is offered, without code."""
    order = confirmed_order(buyer, supplier)
    assert "paypal" in offered(buyer, order["id"])
    PaymentMethodOffer.objects.filter(method="paypal").update(active=False)
    assert "paypal" not in offered(buyer, order["id"])
    PaymentMethodOffer.objects.filter(method="boleto").update(countries=["US"], currencies=[])
    assert "boleto" in offered(buyer, order["id"])


def test_a_method_not_offered_is_refused_and_nothing_moves(buyer, supplier):
    order = confirmed_order(buyer, supplier)  # US buyer, USD
    before = ledger_snapshot()
    for body in (
        {"method": "sepa"},
        {"method": "boleto"},
        {"method": "wallet", "wallet": "alipay"},
        {"method": "alipay"},
    ):
        refused = buyer.client.post(f"/orders/{order['id']}/payments", body)
        assert refused.status_code == 422, (body, refused.content)
        assert refused.json()["error"]["code"] == "payment_method_unavailable"
    assert ledger_snapshot() == before
    assert not Payment.objects.filter(order_id=order["id"]).exists()
    assert buyer.client.get(f"/orders/{order['id']}").json()["status"] == "awaiting_payment"


def test_the_per_transaction_limit(buyer, supplier):
    # Apple Pay takes at most USD 10,000 per payment (fee included): 9,700.00 + 2.99 % = 9,990.03 passes,
    # 9,800.00 + 2.99 % = 10,093.02 does not.
    big = confirmed_order(buyer, supplier, unit_price=9_800, quantity="100")
    before = ledger_snapshot()
    refused = buyer.client.post(f"/orders/{big['id']}/payments", {"method": "apple_pay"})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "payment_above_method_limit"
    assert ledger_snapshot() == before and not Payment.objects.filter(order_id=big["id"]).exists()
    assert offered(buyer, big["id"])["apple_pay"]["limit"] == {"amount": 1_000_000, "currency": "USD"}
    fits = confirmed_order(buyer, supplier, unit_price=9_700, quantity="100")
    started = buyer.client.post(f"/orders/{fits['id']}/payments", {"method": "apple_pay"})
    assert started.status_code == 201 and started.json()["total_charged"]["amount"] == 999_003


# country, currency, request body, expected fee on 1,250.00 (125,000 minor units; JPY-free currencies)
METHODS = [
    ("US", "USD", {"method": "card", "card": VISA}, 3_738),
    ("US", "USD", {"method": "echeck", "bank_account": ACH}, 1_500),
    ("DE", "EUR", {"method": "sepa"}, 35),
    ("BR", "BRL", {"method": "boleto"}, 345),
    ("CN", "CNY", {"method": "alipay"}, 3_738),
    ("US", "USD", {"method": "paypal"}, 3_738),
    ("FR", "EUR", {"method": "wallet", "wallet": "paypal"}, 3_738),
    ("US", "USD", {"method": "apple_pay"}, 3_738),
    ("BR", "BRL", {"method": "google_pay"}, 3_738),
]


@pytest.mark.parametrize(("country", "currency", "body", "fee"), METHODS)
def test_each_method_pays_through_the_sandbox_with_its_fee_in_the_ledger(supplier, country, currency, body, fee):
    buyer = buyer_in(country, currency)
    order = confirmed_order(buyer, supplier, currency=currency)
    key = body.get("wallet") or body["method"]
    assert offered(buyer, order["id"])[key]["fee"] == {"amount": fee, "currency": currency}
    started = buyer.client.post(f"/orders/{order['id']}/payments", body)
    assert started.status_code == 201, started.content
    payment = started.json()
    assert payment["fee"] == {"amount": fee, "currency": currency}
    if payment["status"] == "requires_action":  # approved on the wallet's or bank's sandbox page
        provider = providers.redirect_provider(Payment.objects.get(pk=payment["id"]).method)
        assert payment["redirect_url"].endswith(f"/sandbox/wallet/{payment['id']}")
        assert balance(f"processor_fees:{currency}") == 0  # nothing is booked before the approval
        token = provider.approval_token(payment["id"])
        payment = buyer.client.post(f"/payments/{payment['id']}/wallet-return", {"approval_token": token}).json()
    assert payment["status"] == "held"
    assert balance(f"processor_fees:{currency}") == fee
    assert balance(f"escrow:{order['id']}:{currency}") == 125_000
    assert -balance(f"buyer_funding:{currency}") == 125_000 + fee
    assert_books_balance()
    # the progress timeline shows this method's own times, from the table
    offer = PaymentMethodOffer.objects.get(method=key)
    timeline = buyer.client.get(f"/payments/{payment['id']}/timeline").json()
    assert timeline["expected_times"]["refund_business_days"] == [offer.refund_days_min, offer.refund_days_max]
    assert timeline["expected_times"]["funding_business_days"] == [
        offer.settlement_days_min,
        offer.settlement_days_max,
    ]


def test_refund_expected_date_follows_the_table(supplier):
    buyer = buyer_in("DE", "EUR")
    order = confirmed_order(buyer, supplier, currency="EUR")
    started = buyer.client.post(f"/orders/{order['id']}/payments", {"method": "sepa"}).json()
    token = providers.LOCAL_PROVIDER.approval_token(started["id"])
    buyer.client.post(f"/payments/{started['id']}/wallet-return", {"approval_token": token})
    PaymentMethodOffer.objects.filter(method="sepa").update(refund_days_min=9, refund_days_max=9)
    assert expected_times("sepa")["refund_business_days"] == [9, 9]
    assert supplier.client.post(f"/orders/{order['id']}/cancel", {"reason": "out of stock"}).status_code == 200
    steps = buyer.client.get(f"/payments/{started['id']}/timeline").json()["steps"]
    refunded = next(s for s in steps if s["kind"] == "refunded")
    from tradeshield.kit.clock import add_business_days, today

    assert refunded["expected_by"] == add_business_days(today(), 9).isoformat()
    assert balance("refunds:EUR") == 125_000 + 35
    assert_books_balance()
