"""Paying in another currency (issue 7, item 7): the rate table and its loader, the rate locked on the
payment, the ledger balancing per currency through `fx` accounts, refunds at the locked rate."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from tests.conftest import VISA, confirmed_order
from tests.helpers import assert_books_balance, balance, ledger_snapshot
from tradeshield.kit import clock
from tradeshield.payments.errors import FxFileInvalid
from tradeshield.payments.exchange import convert_up, rates_load, rates_parse
from tradeshield.payments.models import FxRate, Payment

pytestmark = pytest.mark.django_db


def load(*rows: tuple[str, str, str, object]) -> None:
    rates_load(
        json.dumps(
            [
                {"base": b, "quote": q, "rate": r, "source": "ECB reference", "as_of": (a or clock.now()).isoformat()}  # type: ignore[attr-defined]
                for b, q, r, a in rows
            ]
        ),
        filename="rates.json",
    )


def pay_in(buyer, order_id: str, currency: str, body: dict | None = None):  # type: ignore[no-untyped-def]
    return buyer.client.post(
        f"/orders/{order_id}/payments", {**(body or {"method": "card", "card": VISA}), "pay_currency": currency}
    )


def test_conversion_rounds_up_for_the_buyer():
    assert convert_up(128_738, "USD", "EUR", Decimal("0.9234")) == 118_877  # 118,876.6692 → up
    assert convert_up(100, "USD", "JPY", Decimal("150.004")) == 151  # 150.004 JPY → 151 (JPY has no minor unit)
    assert convert_up(15_000, "JPY", "KWD", Decimal("0.00205")) == 30_750  # 30.75 KWD, 3 decimals: exact
    assert convert_up(1, "KWD", "USD", Decimal("3.25")) == 1  # 0.325 cent → 1 cent


def test_the_quote_shows_the_rate_before_paying(buyer, supplier):
    load(("USD", "EUR", "0.9234", None))
    order = confirmed_order(buyer, supplier)  # 1,250.00 USD
    quote = buyer.client.get(f"/orders/{order['id']}/payment-methods", currency="EUR").json()
    assert quote["pay_currency"] == "EUR" and quote["fx"]["rate"] == "0.9234000000"
    assert quote["fx"]["source"] == "ECB reference"
    card = next(m for m in quote["methods"] if m["method"] == "card")
    assert card["total"] == {"amount": 128_738, "currency": "USD"}
    assert card["you_pay"] == {"amount": 118_877, "currency": "EUR"}
    assert "echeck" not in {m["method"] for m in quote["methods"]}  # e-Check pays in USD only


def test_an_fx_payment_locks_the_rate_and_balances_every_currency(buyer, supplier):
    load(("USD", "EUR", "0.9234", None))
    order = confirmed_order(buyer, supplier)
    paid = pay_in(buyer, order["id"], "EUR")
    assert paid.status_code == 201, paid.content
    body = paid.json()
    assert body["status"] == "held" and body["amount"] == {"amount": 125_000, "currency": "USD"}
    assert body["fx"]["charged"] == {"amount": 118_877, "currency": "EUR"}
    assert body["fx"]["rate"]["rate"] == "0.9234" and body["fx"]["rate"]["source"] == "ECB reference"
    # a newer rate changes nothing about this payment
    load(("USD", "EUR", "0.9500", clock.now() + timedelta(seconds=1)))
    again = buyer.client.get(f"/payments/{body['id']}").json()
    assert again["fx"] == body["fx"]
    # buyer funding in EUR, escrow in USD, linked through an fx account per currency
    assert balance("buyer_funding:EUR") == -118_877 and balance("fx:EUR") == 118_877
    assert balance("fx:USD") == -128_738 and balance("buyer_funding:USD") == 0
    assert balance(f"escrow:{order['id']}:USD") == 125_000 and balance("processor_fees:USD") == 3_738
    assert_books_balance()


def test_refunds_convert_back_at_the_locked_rate(buyer, supplier):
    load(("USD", "EUR", "0.9234", None))
    order = confirmed_order(buyer, supplier)
    payment_id = pay_in(buyer, order["id"], "EUR").json()["id"]
    load(("USD", "EUR", "1.5", clock.now() + timedelta(seconds=1)))  # ignored for this payment's refunds
    partial = supplier.client.post(
        f"/orders/{order['id']}/refunds", {"amount": {"amount": 50_001, "currency": "USD"}, "reason": "short"}
    )
    assert partial.status_code == 200, partial.content
    payment = Payment.objects.get(pk=payment_id)
    assert payment.pay_refunded == 46_171  # 50,001 x 0.9234 = 46,170.92 → up
    assert balance("refunds:EUR") == 46_171 and balance("refunds:USD") == 0
    assert_books_balance()
    cancelled = supplier.client.post(f"/orders/{order['id']}/cancel", {"reason": "out of stock"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "refunded"
    payment.refresh_from_db()
    # everything back, fee included: exactly what was charged in EUR, nothing left in either fx account
    assert payment.pay_refunded == payment.pay_amount == 118_877
    assert balance("refunds:EUR") == 118_877 and balance("buyer_funding:EUR") == -118_877
    assert balance("fx:EUR") == 0 and balance("fx:USD") == 0
    assert balance(f"escrow:{order['id']}:USD") == 0
    assert_books_balance()


def test_a_stale_or_missing_rate_is_refused_and_nothing_moves(buyer, supplier):
    load(("USD", "EUR", "0.9234", clock.now() - timedelta(hours=25)))
    order = confirmed_order(buyer, supplier)
    before = ledger_snapshot()
    stale = pay_in(buyer, order["id"], "EUR")
    assert stale.status_code == 422 and stale.json()["error"]["code"] == "fx_rate_stale"
    assert "too old" in stale.json()["error"]["message"]
    missing = pay_in(buyer, order["id"], "GBP")
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "fx_rate_missing"
    quote = buyer.client.get(f"/orders/{order['id']}/payment-methods", currency="GBP")
    assert quote.status_code == 422 and quote.json()["error"]["code"] == "fx_rate_missing"
    unknown = pay_in(buyer, order["id"], "XYZ")
    assert unknown.status_code == 422
    assert ledger_snapshot() == before and not Payment.objects.filter(order_id=order["id"]).exists()


def test_a_bank_transfer_is_paid_in_the_order_currency(buyer, supplier):
    load(("USD", "EUR", "0.9234", None))
    order = confirmed_order(buyer, supplier)
    refused = pay_in(buyer, order["id"], "EUR", {"method": "bank_transfer"})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "fx_not_supported"


def test_the_same_currency_is_not_a_conversion(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    paid = pay_in(buyer, order["id"], "USD").json()
    assert paid["status"] == "held" and paid["fx"] is None


GOOD_CSV = "base,quote,rate,source,as_of\nUSD,EUR,0.9234,ECB,{now}\nUSD,JPY,150.25,ECB,{now}\n"


def test_parse_accepts_csv_and_json():
    now = clock.now().isoformat()
    rows = rates_parse(GOOD_CSV.format(now=now), filename="rates.csv")
    assert [(r["base"], r["quote"], r["rate"]) for r in rows] == [
        ("USD", "EUR", Decimal("0.9234")),
        ("USD", "JPY", Decimal("150.25")),
    ]
    rows = rates_parse(
        json.dumps({"rates": [{"base": "eur", "quote": "usd", "rate": "1.08", "source": "x", "as_of": now}]})
    )
    assert rows[0]["base"] == "EUR" and rows[0]["rate"] == Decimal("1.08")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("base,quote,rate\nUSD,EUR,1\n", "missing source, as_of"),
        (
            "base,quote,rate,source,as_of\nUSD,EUR,-1,ECB,2026-01-01T00:00:00Z\n",
            "row 2: rate must be greater than zero",
        ),
        ("base,quote,rate,source,as_of\nUSD,EUR,abc,ECB,2026-01-01T00:00:00Z\n", "row 2: rate 'abc' is not a decimal"),
        ("base,quote,rate,source,as_of\nUSD,XTS,1,ECB,2026-01-01T00:00:00Z\n", "quote 'XTS' is not a supported"),
        ("base,quote,rate,source,as_of\nUSD,USD,1,ECB,2026-01-01T00:00:00Z\n", "base and quote are both USD"),
        ("base,quote,rate,source,as_of\nUSD,EUR,1,ECB,yesterday\n", "not an RFC 3339 time"),
        ("base,quote,rate,source,as_of\nUSD,EUR,1,ECB,2026-01-01T00:00:00\n", "with a timezone"),
        ("base,quote,rate,source,as_of\nUSD,EUR,1,ECB,2999-01-01T00:00:00Z\n", "in the future"),
        ("base,quote,rate,source,as_of\nUSD,EUR,0.12345678901,ECB,2026-01-01T00:00:00Z\n", "more than 10 decimal"),
        ("base,quote,rate,source,as_of\nUSD,EUR,1,,2026-01-01T00:00:00Z\n", "row 2: missing source"),
        (
            '[{"base": "USD", "quote": "EUR", "rate": 0.92, "source": "x", "as_of": "2026-01-01T00:00:00Z"}]',
            "not a JSON number",
        ),
        ("[1, 2", "not valid JSON"),
        ("base,quote,rate,source,as_of\n", "holds no rates"),
    ],
)
def test_parse_refuses_bad_files_with_a_clear_message(text, says):
    with pytest.raises(FxFileInvalid) as refused:
        rates_parse(text)
    assert says in refused.value.message
    assert FxRate.objects.count() == 0


def test_one_bad_row_refuses_the_whole_file():
    now = clock.now().isoformat()
    with pytest.raises(FxFileInvalid):
        rates_load(GOOD_CSV.format(now=now) + "USD,GBP,nope,ECB," + now + "\n")
    assert FxRate.objects.count() == 0


def test_an_fx_wallet_payment_converts_when_approved(buyer, supplier):
    from tradeshield.payments.providers import WALLET_PROVIDER

    load(("USD", "JPY", "150.004", None))
    order = confirmed_order(buyer, supplier)  # 1,250.00 USD + 2.99 % = 1,287.38 USD
    started = pay_in(buyer, order["id"], "JPY", {"method": "paypal"}).json()
    assert started["status"] == "requires_action"
    assert started["fx"]["charged"] == {"amount": 193_113, "currency": "JPY"}  # 193,112.15 JPY rounded up
    assert balance("fx:JPY") == 0  # nothing converted before the approval
    token = WALLET_PROVIDER.approval_token(started["id"])
    done = buyer.client.post(f"/payments/{started['id']}/wallet-return", {"approval_token": token}).json()
    assert done["status"] == "held"
    assert balance("buyer_funding:JPY") == -193_113 and balance("fx:USD") == -128_738
    assert_books_balance()
