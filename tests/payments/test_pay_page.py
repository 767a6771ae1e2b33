"""The web pay page shows only the methods offered to the buyer, with fee and times, and pays in
another currency at the rate it shows."""

from __future__ import annotations

import json

import pytest

from tests.web.support import VISA, confirmed, hidden, make_member
from tradeshield.kit import clock
from tradeshield.organizations.models import OrgKind
from tradeshield.payments.exchange import rates_load
from tradeshield.payments.models import Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(db):  # type: ignore[no-untyped-def]
    buyer = make_member(OrgKind.BUYER, "Berlin Einkauf", "DE", currency="EUR")
    supplier = make_member(OrgKind.SUPPLIER, "Ningbo Tools", "CN")
    return buyer, supplier


def test_pay_page_lists_the_offered_methods_with_fee_and_times(parties):
    buyer, supplier = parties
    order = confirmed(supplier, buyer, currency="EUR")
    html = buyer.client.get(f"/orders/{order.id}/pay/").content.decode()
    table = html[html.index('id="offered-methods"') : html.index("</table>", html.index('id="offered-methods"'))]
    assert 'data-method="sepa"' in table and "SEPA transfer" in table and "0.35 EUR" in table
    dash = "\N{EN DASH}"
    assert f"1{dash}2 business days" in table and "12 business days" in table  # SEPA settles, card refunds
    assert 'data-method="echeck"' not in table and 'data-method="boleto"' not in table
    assert 'data-method="alipay"' not in table
    assert "?method=sepa" in html and "?method=echeck" not in html and "?method=boleto" not in html
    # an unoffered method asked for in the URL falls back to card
    assert "Card number" in buyer.client.get(f"/orders/{order.id}/pay/?method=boleto").content.decode()


def test_sepa_through_the_sandbox_bank_page(parties):
    buyer, supplier = parties
    order = confirmed(supplier, buyer, currency="EUR")
    page = buyer.client.get(f"/orders/{order.id}/pay/?method=sepa").content.decode()
    response = buyer.client.post(
        f"/orders/{order.id}/pay/",
        {
            "method": "sepa",
            "idempotency_key": hidden(page, "idempotency_key"),
            "milestone_id": hidden(page, "milestone_id"),
            "expected_amount": hidden(page, "expected_amount"),
        },
    )
    payment = Payment.objects.get(order_id=order.id)
    assert response.status_code == 302 and response["Location"] == f"/sandbox/wallet/{payment.id}/"
    sandbox = buyer.client.get(response["Location"]).content.decode()
    approved = buyer.client.post(response["Location"], {"idempotency_key": hidden(sandbox, "idempotency_key")})
    assert approved.status_code == 302
    payment.refresh_from_db()
    assert payment.status == "held" and payment.fee_amount == 35


def test_paying_in_another_currency_on_the_web(parties):
    buyer, supplier = parties
    now = clock.now().isoformat()
    rates_load(json.dumps([{"base": "EUR", "quote": "USD", "rate": "1.08", "source": "ECB", "as_of": now}]))
    order = confirmed(supplier, buyer, currency="EUR")
    page = buyer.client.get(f"/orders/{order.id}/pay/?currency=USD").content.decode()
    assert 'id="fx-rate"' in page and "1 EUR = 1.08 USD" in page
    assert hidden(page, "pay_currency") == "USD"
    response = buyer.client.post(
        f"/orders/{order.id}/pay/",
        {
            "method": "card",
            **{k: VISA[k] for k in ("number", "exp_month", "exp_year", "cvc")},
            "country": "DE",
            "pay_currency": "USD",
            "idempotency_key": hidden(page, "idempotency_key"),
            "milestone_id": hidden(page, "milestone_id"),
            "expected_amount": hidden(page, "expected_amount"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    payment = Payment.objects.get(order_id=order.id)
    assert payment.pay_currency == "USD" and payment.pay_amount == -(-payment.total_charged * 108 // 100)
    detail = buyer.client.get(f"/payments/{payment.id}/").content.decode()
    assert 'id="locked-rate"' in detail and "1 EUR = 1.08 USD" in detail


def test_a_stale_rate_on_the_pay_page_says_so(parties):
    buyer, supplier = parties
    old = clock.now().replace(year=clock.now().year - 1).isoformat()
    rates_load(json.dumps([{"base": "EUR", "quote": "USD", "rate": "1.08", "source": "ECB", "as_of": old}]))
    order = confirmed(supplier, buyer, currency="EUR")
    page = buyer.client.get(f"/orders/{order.id}/pay/?currency=USD").content.decode()
    assert "too old" in page and 'id="fx-rate"' not in page
