"""The whole order life cycle through HTTP for each payment method, in USD, JPY and KWD."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from django.test import Client
from tests.conftest import MASTERCARD, confirmed_order, make_party, pay_card
from tests.helpers import assert_books_balance, balance, supplier_funds

from tradeshield.organizations.models import OrgKind
from tradeshield.payments import bank_webhook
from tradeshield.payments.providers import WALLET_PROVIDER

pytestmark = pytest.mark.django_db

# currency, unit price (minor units), total for 100 units, card/wallet fee at 2.99 % (half-up)
CASES = [("USD", 1250, 125_000, 3_738), ("JPY", 1500, 150_000, 4_485), ("KWD", 12_345, 1_234_500, 36_912)]


def bank_notify(client: Client, *, txn: str, reference: str, amount: int, currency: str) -> dict:
    body = json.dumps(
        {
            "bank_transaction_id": txn,
            "reference": reference,
            "value_date": "2026-11-25",
            "amount": {"amount": amount, "currency": currency},
            "payer_name": "Acme",
        }
    ).encode()
    msg_id, ts = f"msg_{uuid.uuid4().hex}", int(time.time())
    response = client.post(
        "/api/v1/bank/notifications",
        data=body,
        content_type="application/json",
        headers={
            "webhook-id": msg_id,
            "webhook-timestamp": str(ts),
            "webhook-signature": bank_webhook.sign(msg_id=msg_id, timestamp=ts, body=body),
        },
    )
    assert response.status_code == 200, response.content
    return response.json()


def finish(buyer, supplier, order_id: str, total: int, currency: str, fee: int) -> None:
    shipped = supplier.client.post(
        f"/orders/{order_id}/ship", {"carrier": "COSCO", "tracking_number": "COSU123", "mode": "sea"}, key=False
    )
    assert shipped.json()["status"] == "shipped"
    assert supplier_funds(f"supplier_available:{supplier.org.id}:{currency}") == 0
    received = buyer.client.post(f"/orders/{order_id}/confirm-receipt")
    assert received.status_code == 200, received.content
    body = received.json()
    assert body["status"] == "completed"
    assert body["escrow"]["released"] == {"amount": total, "currency": currency}
    assert body["escrow"]["balance"]["amount"] == 0
    assert supplier_funds(f"supplier_available:{supplier.org.id}:{currency}") == total
    assert balance(f"escrow:{order_id}:{currency}") == 0
    assert balance(f"processor_fees:{currency}") == fee
    # what left the buyers' side, less what went back to them, is exactly total + fee
    assert -balance(f"buyer_funding:{currency}") - balance(f"refunds:{currency}") == total + fee
    assert_books_balance()


@pytest.mark.parametrize(("currency", "unit_price", "total", "fee"), CASES)
def test_card(buyer, supplier, currency, unit_price, total, fee):
    order = confirmed_order(buyer, supplier, currency=currency, unit_price=unit_price)
    assert order["total"] == {"amount": total, "currency": currency}
    quote = buyer.client.get(f"/orders/{order['id']}/payment-quote", method="card", network="visa").json()
    assert quote["fee"] == {"amount": fee, "currency": currency} and quote["total"]["amount"] == total + fee
    paid = pay_card(buyer, order["id"])
    assert paid.status_code == 201, paid.content
    payment = paid.json()
    assert payment["status"] == "held" and payment["fee"]["amount"] == fee
    assert payment["total_charged"]["amount"] == total + fee
    assert payment["card"] == {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030, "country": "US"}
    assert buyer.client.get(f"/orders/{order['id']}").json()["status"] == "paid"
    finish(buyer, supplier, order["id"], total, currency, fee)
    steps = [s["kind"] for s in supplier.client.get(f"/payments/{payment['id']}/timeline").json()["steps"]]
    assert steps == [
        "initiated",
        "authorized",
        "captured",
        "held_in_escrow",
        "released",
        "reserve_held",
        "payout_expected",
    ]


@pytest.mark.parametrize(("currency", "unit_price", "total", "fee"), CASES)
def test_wallet(buyer, supplier, currency, unit_price, total, fee):
    order = confirmed_order(buyer, supplier, currency=currency, unit_price=unit_price)
    started = buyer.client.post(f"/orders/{order['id']}/payments", {"method": "wallet", "wallet": "apple_pay"}).json()
    assert started["status"] == "requires_action" and started["redirect_url"].endswith(
        f"/sandbox/wallet/{started['id']}"
    )
    assert buyer.client.get(f"/orders/{order['id']}").json()["status"] == "awaiting_payment"
    forged = buyer.client.post(f"/payments/{started['id']}/wallet-return", {"approval_token": "forged"})
    assert forged.status_code == 422 and forged.json()["error"]["code"] == "wallet_approval_invalid"
    token = WALLET_PROVIDER.approval_token(started["id"])
    done = buyer.client.post(f"/payments/{started['id']}/wallet-return", {"approval_token": token})
    assert done.status_code == 200 and done.json()["status"] == "held"
    finish(buyer, supplier, order["id"], total, currency, fee)


@pytest.mark.parametrize(("currency", "unit_price", "total", "fee"), CASES)
def test_bank_transfer_partial_then_over_payment(buyer, supplier, currency, unit_price, total, fee):
    order = confirmed_order(buyer, supplier, currency=currency, unit_price=unit_price)
    payment = buyer.client.post(f"/orders/{order['id']}/payments", {"method": "bank_transfer"}).json()
    assert payment["status"] == "awaiting_funds" and payment["fee"]["amount"] == 0
    reference = payment["bank_instructions"]["reference"]
    client = Client()
    first = bank_notify(client, txn="BANK-1", reference=f"PO {reference} thanks", amount=total // 2, currency=currency)
    assert first["status"] == "matched" and first["applied"]["amount"] == total // 2
    assert buyer.client.get(f"/payments/{payment['id']}").json()["status"] == "partially_funded"
    again = bank_notify(client, txn="BANK-1", reference=reference, amount=total // 2, currency=currency)
    assert again["replayed"] is True
    rest = total - total // 2
    second = bank_notify(client, txn="BANK-2", reference=reference, amount=rest + 700, currency=currency)
    assert second["applied"]["amount"] == rest and second["excess"]["amount"] == 700
    assert buyer.client.get(f"/orders/{order['id']}").json()["status"] == "paid"
    assert balance(f"refunds:{currency}") == 700
    finish(buyer, supplier, order["id"], total, currency, fee=0)


def test_bank_transfer_with_unknown_reference_goes_to_suspense(db):
    result = bank_notify(Client(), txn="BANK-X", reference="no reference", amount=5_000, currency="USD")
    assert result["status"] == "unmatched" and result["payment_id"] is None
    assert balance("suspense:USD") == 5_000
    assert_books_balance()


def test_bank_notification_with_bad_signature_is_refused(db):
    response = Client().post(
        "/api/v1/bank/notifications",
        data=b"{}",
        content_type="application/json",
        headers={"webhook-id": "m1", "webhook-timestamp": str(int(time.time())), "webhook-signature": "v1,AAAA"},
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "webhook_signature_invalid"


def test_statement_import_by_staff(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    payment = buyer.client.post(f"/orders/{order['id']}/payments", {"method": "bank_transfer"}).json()
    reference = payment["bank_instructions"]["reference"]
    staff = make_party(OrgKind.BUYER, "ignored", "GB")
    staff.user.staff_role = "admin"
    staff.user.save()
    staff.user.membership.delete()
    csv_text = (
        "bank_transaction_id,value_date,reference,amount,currency,payer_name\n"
        f"S-1,2026-11-25,{reference},1250.00,USD,Acme\n"
        "S-2,2026-11-25,UNKNOWN,10.00,USD,Someone\n"
        "S-3,not-a-date,X,1,USD,Bad\n"
    )
    response = staff.client.client.post(
        "/api/v1/bank/statements",
        data=csv_text,
        content_type="text/csv",
        headers={"Authorization": f"Bearer {staff.client.token}"},
    )
    assert response.status_code == 200, response.content
    assert response.json() | {"errors": []} == {"rows": 3, "matched": 1, "unmatched": 1, "replayed": 0, "errors": []}
    assert len(response.json()["errors"]) == 1
    assert buyer.client.get(f"/orders/{order['id']}").json()["status"] == "paid"
    refused = buyer.client.client.post(
        "/api/v1/bank/statements",
        data=csv_text,
        content_type="text/csv",
        headers={"Authorization": f"Bearer {buyer.client.token}"},
    )
    assert refused.status_code == 403


def test_echeck_usd_has_fixed_fee(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    paid = buyer.client.post(
        f"/orders/{order['id']}/payments",
        {"method": "echeck", "bank_account": {"routing_number": "011000015", "account_number": "000123456789"}},
    )
    assert paid.status_code == 201, paid.content
    assert paid.json()["fee"] == {"amount": 1_500, "currency": "USD"}
    finish(buyer, supplier, order["id"], 125_000, "USD", 1_500)


def test_mastercard_in_asia_pacific_is_capped_at_usd_40(supplier):
    buyer = make_party(OrgKind.BUYER, "Tokyo Trading", "JP", currency="JPY")
    order = confirmed_order(buyer, supplier, currency="JPY", unit_price=100_000, quantity="100")  # 10,000,000 JPY
    paid = pay_card(buyer, order["id"], MASTERCARD)
    assert paid.json()["fee"] == {"amount": 6_000, "currency": "JPY"}  # USD 40 at the reference 150 JPY/USD
    visa = confirmed_order(buyer, supplier, currency="JPY", unit_price=100_000, quantity="100")
    assert pay_card(buyer, visa["id"]).json()["fee"]["amount"] == 299_000  # 2.99 %, no cap for Visa


def test_deposit_and_balance_milestones(buyer, supplier):
    order = confirmed_order(buyer, supplier, deposit_percent="30")
    assert [m["amount"]["amount"] for m in order["milestones"]] == [37_500, 87_500]
    assert pay_card(buyer, order["id"]).json()["amount"]["amount"] == 37_500
    assert buyer.client.get(f"/orders/{order['id']}").json()["status"] == "deposit_paid"
    early = supplier.client.post(f"/orders/{order['id']}/ship", {"carrier": "DHL", "tracking_number": "1"}, key=False)
    assert early.status_code == 409 and early.json()["error"]["code"] == "order_not_shippable"
    assert pay_card(buyer, order["id"]).json()["amount"]["amount"] == 87_500
    finish(buyer, supplier, order["id"], 125_000, "USD", 1_121 + 2_616)


def test_service_fee_is_taken_on_release(buyer, supplier, settings):
    settings.TRADESHIELD_SERVICE_FEE_PERCENT = "2.5"
    order = confirmed_order(buyer, supplier)
    pay_card(buyer, order["id"])
    supplier.client.post(f"/orders/{order['id']}/ship", {"carrier": "DHL", "tracking_number": "1"}, key=False)
    body = buyer.client.post(f"/orders/{order['id']}/confirm-receipt").json()
    assert body["escrow"]["released"]["amount"] == 121_875
    assert supplier_funds(f"supplier_available:{supplier.org.id}:USD") == 121_875
    assert balance("platform_fees:USD") == 3_125
    assert_books_balance()


def test_cancel_before_shipment_refunds_everything(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    payment = pay_card(buyer, order["id"]).json()
    refused = buyer.client.post(f"/orders/{order['id']}/cancel", {"reason": "changed my mind"})
    assert refused.status_code == 409
    cancelled = supplier.client.post(f"/orders/{order['id']}/cancel", {"reason": "out of stock"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "refunded"
    assert balance("refunds:USD") == 125_000 + 3_738
    assert supplier_funds(f"supplier_available:{supplier.org.id}:USD") == 0
    timeline = buyer.client.get(f"/payments/{payment['id']}/timeline").json()
    assert timeline["status"] == "refunded"
    assert timeline["steps"][-1]["kind"] == "refunded" and timeline["steps"][-1]["expected_by"] is not None
    assert_books_balance()


def test_partial_refund_then_release_of_the_rest(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    pay_card(buyer, order["id"])
    refunded = supplier.client.post(
        f"/orders/{order['id']}/refunds", {"amount": {"amount": 25_000, "currency": "USD"}, "reason": "short by 20 pcs"}
    )
    assert refunded.status_code == 200, refunded.content
    assert refunded.json()["escrow"]["held"]["amount"] == 100_000
    finish_total = 100_000
    supplier.client.post(f"/orders/{order['id']}/ship", {"carrier": "DHL", "tracking_number": "1"}, key=False)
    body = buyer.client.post(f"/orders/{order['id']}/confirm-receipt").json()
    assert body["escrow"]["released"]["amount"] == finish_total
    assert balance("refunds:USD") == 25_000
    assert supplier_funds(f"supplier_available:{supplier.org.id}:USD") == 100_000
    assert_books_balance()


def test_amendment_needs_both_sides_and_renews_the_hash(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    proposed = supplier.client.post(
        f"/orders/{order['id']}/amendments",
        {"changes": {"named_place": "Yantian port"}, "reason": "port change"},
        key=False,
    )
    assert proposed.status_code == 201, proposed.content
    amendment = proposed.json()
    own = supplier.client.post(f"/amendments/{amendment['id']}/accept", key=False)
    assert own.status_code == 403 and own.json()["error"]["code"] == "wrong_party"
    accepted = buyer.client.post(f"/amendments/{amendment['id']}/accept", key=False)
    assert accepted.json()["status"] == "accepted"
    after = buyer.client.get(f"/orders/{order['id']}").json()
    assert after["named_place"] == "Yantian port" and after["terms_version"] == 2
    assert after["terms_hash"] != order["terms_hash"]
    price_change = supplier.client.post(f"/orders/{order['id']}/amendments", {"changes": {"total": 1}}, key=False)
    assert price_change.status_code == 422 and price_change.json()["error"]["code"] == "amendment_invalid"
