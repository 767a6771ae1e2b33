"""Paying through the web: card (approved and declined), wallet sandbox, T/T with a statement import,
and money-moving forms that run once per idempotency key."""

from __future__ import annotations

import pytest
from tests.helpers import assert_books_balance, ledger_snapshot
from tests.web.support import VISA, confirmed, hidden, messages_of, paid, shipped

from tradeshield.orders.models import Order, OrderEvent
from tradeshield.payments.models import Payment

pytestmark = pytest.mark.django_db


def card_post(page: str, number: str = "4242 4242 4242 4242", **extra: str) -> dict[str, str]:
    return {
        "method": "card",
        "idempotency_key": hidden(page, "idempotency_key"),
        "milestone_id": hidden(page, "milestone_id"),
        "expected_amount": hidden(page, "expected_amount"),
        "number": number,
        "exp_month": "12",
        "exp_year": str(VISA["exp_year"]),
        "cvc": "123",
        "country": "US",
        **extra,
    }


def test_confirm_both_sides_then_pay_by_card(buyer, supplier):
    order = confirmed(supplier, buyer)
    page = buyer.client.get(f"/orders/{order.id}/pay/").content.decode()
    assert "1,250.00 USD" in page  # the milestone, before paying
    assert "37.38 USD" in page and "1,287.38 USD" in page  # card fee 2.99 % and the total, shown up front
    assert "4242 4242 4242 4242" in page and "4000 0000 0000 0002" in page  # sandbox hints

    response = buyer.client.post(f"/orders/{order.id}/pay/", card_post(page))
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.id}/"
    order.refresh_from_db()
    assert order.status == "paid"
    payment = Payment.objects.get(order_id=order.id)
    assert (payment.status, payment.card_last4, payment.total_charged) == ("held", "4242", 128_738)
    html = buyer.client.get(f"/orders/{order.id}/").content.decode()
    assert "Paid in full" in html and "Visa •••• 4242" in html
    assert_books_balance()


def test_declined_card_shows_the_message_and_changes_nothing(buyer, supplier):
    order = confirmed(supplier, buyer)
    page = buyer.client.get(f"/orders/{order.id}/pay/").content.decode()
    before = ledger_snapshot()
    response = buyer.client.post(f"/orders/{order.id}/pay/", card_post(page, number="4000000000000002"))
    assert response.status_code == 402
    html = response.content.decode()
    assert "Payment declined." in html and "The card was declined." in html
    assert "4000000000000002" not in html and 'value="123"' not in html  # nothing secret echoed back
    assert hidden(html, "idempotency_key") != hidden(page, "idempotency_key")  # a fresh key for the retry
    order.refresh_from_db()
    assert order.status == "awaiting_payment"
    assert order.milestones.get().status == "unpaid"
    assert ledger_snapshot() == before
    assert Payment.objects.get(order_id=order.id).failure_code == "card_declined"

    retry = buyer.client.post(f"/orders/{order.id}/pay/", card_post(html))
    assert retry.status_code == 302
    order.refresh_from_db()
    assert order.status == "paid"


def test_invalid_card_number_is_shown_inline_and_not_echoed(buyer, supplier):
    order = confirmed(supplier, buyer)
    page = buyer.client.get(f"/orders/{order.id}/pay/").content.decode()
    response = buyer.client.post(f"/orders/{order.id}/pay/", card_post(page, number="4242424242424241"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "check digit" in html and "4242424242424241" not in html
    assert not Payment.objects.filter(order_id=order.id).exists()


def test_double_submitted_confirm_receipt_releases_once(buyer, supplier):
    order = shipped(supplier, buyer)
    page = buyer.client.get(f"/orders/{order.id}/").content.decode()
    action = f"/orders/{order.id}/receive/"
    form = {"confirm": "on", "idempotency_key": hidden(page, "idempotency_key", action=action)}

    first = buyer.client.post(action, form, follow=True)
    assert any("escrow was released" in m for m in messages_of(first))
    order.refresh_from_db()
    assert order.status == "completed"
    payment = Payment.objects.get(order_id=order.id)
    assert (payment.status, payment.released_amount) == ("released", 125_000)

    second = buyer.client.post(action, form)
    assert second.status_code == 302 and second["Location"] == f"/orders/{order.id}/"
    assert any("Already done" in m for m in messages_of(second))
    assert OrderEvent.objects.filter(order=order, kind="escrow.released").count() == 1
    assert Payment.objects.get(order_id=order.id).released_amount == 125_000
    assert_books_balance()


def test_confirm_receipt_needs_the_tick_box(buyer, supplier):
    order = shipped(supplier, buyer)
    response = buyer.client.post(f"/orders/{order.id}/receive/", {"idempotency_key": "k"}, follow=True)
    assert any("Tick the box" in m for m in messages_of(response))
    assert Order.objects.get(pk=order.id).status == "shipped"


def test_same_key_with_different_details_is_refused(buyer, supplier):
    order = confirmed(supplier, buyer)
    buyer.client.post(f"/orders/{order.id}/cancel/", {"reason": "first", "idempotency_key": "same"})
    again = buyer.client.post(
        f"/orders/{order.id}/cancel/", {"reason": "second", "idempotency_key": "same"}, follow=True
    )
    assert any("different details" in m for m in messages_of(again))


def test_wallet_sandbox_flow_completes_a_payment(buyer, supplier):
    order = confirmed(supplier, buyer, deposit="30")
    page = buyer.client.get(f"/orders/{order.id}/pay/?method=wallet").content.decode()
    # Alipay is offered in China only (the payment-method offers table); this buyer is in the US
    assert 'value="paypal"' in page and 'value="apple_pay"' in page and 'value="alipay"' not in page
    response = buyer.client.post(
        f"/orders/{order.id}/pay/",
        {
            "method": "wallet",
            "wallet": "paypal",
            "idempotency_key": hidden(page, "idempotency_key"),
            "milestone_id": hidden(page, "milestone_id"),
            "expected_amount": hidden(page, "expected_amount"),
        },
    )
    payment = Payment.objects.get(order_id=order.id)
    assert response.status_code == 302 and response["Location"] == f"/sandbox/wallet/{payment.id}/"
    assert payment.status == "requires_action"

    bare = buyer.client.get(f"/sandbox/wallet/{payment.id}")  # the provider's URL has no trailing slash
    screen = buyer.client.get(response["Location"]).content.decode()
    assert bare.status_code == 200
    assert "TradeShield escrow" in screen and "PayPal" in screen and "386.21 USD" in screen
    assert supplier.client.get(response["Location"]).status_code == 404  # only the paying buyer approves

    approved = buyer.client.post(response["Location"], {"idempotency_key": hidden(screen, "idempotency_key")})
    assert approved.status_code == 302 and approved["Location"] == f"/orders/{order.id}/"
    payment.refresh_from_db()
    order.refresh_from_db()
    assert (payment.status, order.status) == ("held", "deposit_paid")
    assert order.milestones.get(kind="deposit").status == "held"
    again = buyer.client.get(response["Location"]).content.decode()
    assert "not waiting for approval" in again
    assert_books_balance()


def test_bank_transfer_instructions_then_staff_import_the_statement(buyer, supplier, staff):
    order = confirmed(supplier, buyer)
    page = buyer.client.get(f"/orders/{order.id}/pay/?method=bank_transfer").content.decode()
    response = buyer.client.post(
        f"/orders/{order.id}/pay/",
        {
            "method": "bank_transfer",
            "idempotency_key": hidden(page, "idempotency_key"),
            "milestone_id": hidden(page, "milestone_id"),
            "expected_amount": hidden(page, "expected_amount"),
        },
        follow=True,
    )
    payment = Payment.objects.get(order_id=order.id)
    html = response.content.decode()
    assert payment.status == "awaiting_funds" and payment.bank_reference in html
    assert "GB00SAND00000012345678" in html and "expected by" in html
    assert "Waiting for the bank transfer" in html
    supplier_view = supplier.client.get(f"/payments/{payment.id}/").content.decode()
    assert "Waiting for the bank transfer" in supplier_view and "GB00SAND" not in supplier_view

    csv = (
        "bank_transaction_id,value_date,reference,amount,currency,payer_name\n"
        f"BTX-1,2025-01-15,Order {payment.bank_reference},1250.00,USD,Acme\n"
        "BTX-2,2025-01-15,unknown,5.00,USD,Someone\n"
        "BTX-3,not-a-date,x,1.00,USD,Bad\n"
    )
    result = staff.client.post("/staff/bank-statements/", {"text": csv}).content.decode()
    assert "matched" in result and "line 4" in result
    order.refresh_from_db()
    assert order.status == "paid"
    replay = staff.client.post("/staff/bank-statements/", {"text": csv}).content.decode()
    assert "already imported" in replay
    bad = staff.client.post("/staff/bank-statements/", {"text": "a,b\n1,2\n"}).content.decode()
    assert "The statement needs the columns" in bad
    assert_books_balance()


def test_pay_page_for_supplier_or_paid_order(buyer, supplier):
    order = paid(supplier, buyer)
    response = supplier.client.get(f"/orders/{order.id}/pay/", follow=True)
    assert any("Only the buyer" in m for m in messages_of(response))
    assert "Nothing is due" in buyer.client.get(f"/orders/{order.id}/pay/").content.decode()


def test_buyer_abandons_a_wallet_payment_and_pays_by_card_instead(buyer, supplier, rival):
    from tradeshield.orders import paying as order_paying

    order = confirmed(supplier, buyer)
    wallet = order_paying.order_pay(actor=buyer.actor, order_id=order.id, method="wallet", wallet="paypal")
    page = buyer.client.get(f"/payments/{wallet.id}/").content.decode()
    assert "Abandon this payment" in page
    assert "Abandon this payment" not in supplier.client.get(f"/payments/{wallet.id}/").content.decode()
    assert rival.client.post(f"/payments/{wallet.id}/abandon/", {"idempotency_key": "x"}).status_code == 404
    response = buyer.client.post(
        f"/payments/{wallet.id}/abandon/", {"idempotency_key": hidden(page, "idempotency_key")}
    )
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.id}/pay/"
    assert Payment.objects.get(pk=wallet.id).status == "cancelled"
    card = order_paying.order_pay(actor=buyer.actor, order_id=order.id, method="card", card=VISA)
    assert card.status == "held"
    assert Order.objects.get(pk=order.id).status == "paid"
    assert_books_balance()
