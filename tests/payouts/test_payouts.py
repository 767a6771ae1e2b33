"""Payout accounts, payouts through the sandbox provider, the rolling reserve and the settlement batch."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from tests.conftest import make_party
from tests.helpers import assert_books_balance, balance, ledger_snapshot, pending_debits
from tests.payouts.support import (
    IBAN,
    ROUTING,
    US_ACCOUNT,
    add_account,
    payout,
    released_order,
    verified_account,
)
from tradeshield.kit import clock
from tradeshield.organizations.models import OrgKind
from tradeshield.payouts import services
from tradeshield.payouts.models import Payout, PayoutAccount

pytestmark = pytest.mark.django_db

NET = 125_000
RESERVE = 12_500  # 10 % default policy


def avail(org_id: str) -> int:
    return balance(f"supplier_available:{org_id}:USD")


def test_release_keeps_the_reserve_and_the_rest_is_available(buyer, supplier):
    order_id = released_order(buyer, supplier)
    assert avail(supplier.org.id) == NET - RESERVE
    assert balance(f"supplier_reserve:{supplier.org.id}:USD") == RESERVE
    balances = supplier.client.get("/payouts/balances").json()
    usd = next(b for b in balances if b["currency"] == "USD")
    assert usd["available"]["amount"] == NET - RESERVE
    assert usd["reserved"]["amount"] == RESERVE
    assert usd["in_transit"]["amount"] == 0
    payment_id = buyer.client.get(f"/orders/{order_id}/payments").json()[0]["id"]
    kinds = [s["kind"] for s in buyer.client.get(f"/payments/{payment_id}/timeline").json()["steps"]]
    assert kinds[-3:] == ["released", "reserve_held", "payout_expected"]
    assert_books_balance()


def test_reserve_goes_back_to_available_after_the_post_sales_window(buyer, supplier):
    released_order(buyer, supplier)
    assert services.reserves_release_due() == 0  # not due yet
    with clock.frozen_at(clock.now() + timedelta(days=30, minutes=1)):
        assert services.reserves_release_due() == 1
        assert services.reserves_release_due() == 0  # exactly once
    assert avail(supplier.org.id) == NET
    assert balance(f"supplier_reserve:{supplier.org.id}:USD") == 0
    assert_books_balance()


def test_iban_account_needs_reauth_then_is_masked_and_encrypted(supplier):
    missing = add_account(supplier, password=None)
    assert missing.status_code == 403 and missing.json()["error"]["code"] == "reauth_required"
    wrong = add_account(supplier, password="not-my-password")
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "reauth_failed"
    assert PayoutAccount.objects.count() == 0
    created = add_account(supplier)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"] == "••••3000" and body["status"] == "pending_verification"
    assert IBAN not in created.content.decode()
    with connection.cursor() as cur:
        cur.execute("SELECT iban FROM payout_account WHERE id = %s", [body["id"]])
        stored = cur.fetchone()[0]
    assert stored.startswith("enc:v1:") and IBAN not in stored
    listed = supplier.client.get("/payout-accounts")
    assert IBAN not in listed.content.decode() and listed.json()[0]["number"] == "••••3000"


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"scheme": "iban", "iban": "DE89370400440532013001"}, "iban_invalid", "iban"),
        ({"scheme": "iban", "iban": "XX00"}, "iban_invalid", "iban"),
        (
            {"scheme": "us_aba", "routing_number": "011000016", "account_number": US_ACCOUNT},
            "routing_number_invalid",
            "routing_number",
        ),
        (
            {"scheme": "us_aba", "routing_number": ROUTING, "account_number": "12a"},
            "account_number_invalid",
            "account_number",
        ),
    ],
)
def test_bad_bank_details_are_refused_and_nothing_is_stored(supplier, body, code, field):
    response = add_account(supplier, {"holder_name": "X Ltd", "currency": "USD", **body})
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["field"] == field
    assert PayoutAccount.objects.count() == 0


def test_wrong_micro_deposits_three_times_fail_the_account(supplier):
    account_id = add_account(supplier).json()["id"]
    for left in (2, 1, 0):
        wrong = supplier.client.post(f"/payout-accounts/{account_id}/verify", {"amounts": [0, 0]}, key=False)
        assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "verification_amounts_wrong"
        assert PayoutAccount.objects.get(pk=account_id).verification_attempts == 3 - left
    assert PayoutAccount.objects.get(pk=account_id).status == "failed"
    assert payout(supplier, account_id, 5_000).json()["error"]["code"] == "payout_account_unverified"


def test_on_demand_payout_moves_money_out_exactly_once(buyer, supplier):
    released_order(buyer, supplier)
    account_id = verified_account(supplier)
    before = ledger_snapshot()
    too_much = payout(supplier, account_id, NET - RESERVE + 1)
    assert too_much.status_code == 422 and too_much.json()["error"]["code"] == "payout_exceeds_available"
    assert ledger_snapshot() == before and Payout.objects.count() == 0
    made = payout(supplier, account_id, 100_000, key="po-1")
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "in_transit"
    again = payout(supplier, account_id, 100_000, key="po-1")
    assert again.json()["id"] == made.json()["id"] and Payout.objects.count() == 1
    assert pending_debits(f"supplier_available:{supplier.org.id}:USD") == 100_000
    assert services.payouts_settle_in_transit() == 1
    assert services.payouts_settle_in_transit() == 0
    assert supplier.client.get(f"/payouts/{made.json()['id']}").json()["status"] == "paid"
    assert avail(supplier.org.id) == NET - RESERVE - 100_000
    assert balance("payouts:USD") == 100_000
    assert_books_balance()


def test_a_returned_payout_puts_the_money_back(buyer, supplier):
    released_order(buyer, supplier)
    account_id = verified_account(
        supplier, scheme="us_aba", holder_name="SW", currency="USD", routing_number=ROUTING, account_number="4440002"
    )
    assert payout(supplier, account_id, 50_000).status_code == 201
    services.payouts_settle_in_transit()
    failed = Payout.objects.get()
    assert failed.status == "failed" and failed.failure_code == "account_closed"
    assert avail(supplier.org.id) == NET - RESERVE
    assert pending_debits(f"supplier_available:{supplier.org.id}:USD") == 0
    assert_books_balance()


def test_payout_below_minimum_and_in_another_currency_are_refused(buyer, supplier):
    released_order(buyer, supplier)
    account_id = verified_account(supplier)
    before = ledger_snapshot()
    small = payout(supplier, account_id, 999)
    assert small.status_code == 422 and small.json()["error"]["code"] == "payout_below_minimum"
    euro = supplier.client.post(
        "/payouts", {"payout_account_id": account_id, "amount": {"amount": 5_000, "currency": "EUR"}}
    )
    assert euro.status_code == 422 and euro.json()["error"]["code"] == "currency_mismatch"
    assert ledger_snapshot() == before


def test_daily_settlement_pays_the_whole_available_balance_once_a_day(buyer, supplier):
    released_order(buyer, supplier)
    verified_account(supplier)
    assert services.settlement_batch_run() == 1
    assert services.settlement_batch_run() == 0
    batch = Payout.objects.get()
    assert batch.trigger == "batch" and batch.amount == NET - RESERVE
    services.payouts_settle_in_transit()
    assert avail(supplier.org.id) == 0
    payment_id = buyer.client.get("/payments/" + _payment_of(buyer)).json()["id"]
    steps = buyer.client.get(f"/payments/{payment_id}/timeline").json()["steps"]
    assert steps[-1]["kind"] == "paid_out"
    assert_books_balance()


def _payment_of(buyer) -> str:
    from tradeshield.payments.models import Payment

    return str(Payment.objects.get(buyer=buyer.org).id)


def test_inspection_agencies_are_paid_out_from_their_payable(db):
    agency = make_party(OrgKind.INSPECTION_AGENCY, "Sure Inspect", "CN")
    assert agency.client.get("/payouts/balances").status_code == 200
    account_id = verified_account(agency)
    refused = payout(agency, account_id, 5_000)
    assert refused.json()["error"]["code"] == "payout_exceeds_available"


def test_access_other_org_buyer_api_key_and_anonymous(buyer, supplier, other_buyer):
    account_id = verified_account(supplier)
    rival = make_party(OrgKind.SUPPLIER, "Rival Widgets", "CN")
    assert rival.client.post(f"/payout-accounts/{account_id}/verify", {"amounts": [1, 2]}, key=False).status_code == 404
    assert payout(rival, account_id, 5_000).status_code == 404
    assert buyer.client.get("/payouts/balances").json()["error"]["code"] == "payouts_not_available"
    anonymous = supplier.client.client.get("/api/v1/payouts")
    assert anonymous.status_code == 401
    from tradeshield.organizations import services as orgs

    _, secret = orgs.api_key_create(organization=supplier.org, name="ci")
    key_call = supplier.client.client.post(
        "/api/v1/payout-accounts",
        data='{"scheme": "iban", "holder_name": "X", "currency": "USD", "iban": "DE89370400440532013000"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}", "X-TradeShield-Password": "whatever"},
    )
    assert key_call.status_code == 403
