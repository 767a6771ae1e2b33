"""The Payouts page and saved cards through the browser's forms (server-rendered, real database)."""

from __future__ import annotations

import pytest
from tests.helpers import assert_books_balance, ledger_snapshot
from tests.web.support import PASSWORD, confirmed, hidden, messages_of, shipped

from tradeshield.orders import paying
from tradeshield.payouts.models import Payout, PayoutAccount

pytestmark = pytest.mark.django_db
IBAN = "DE89 3704 0044 0532 0130 00"


def add_body(**extra: str) -> dict[str, str]:
    return {"scheme": "iban", "holder_name": "Shenzhen Bright Ltd", "currency": "USD", "iban": IBAN, **extra}


def test_adding_a_bank_account_asks_for_the_password_then_verify_and_pay_out(buyer, supplier):
    order = shipped(supplier, buyer)
    paying.order_confirm_receipt(actor=buyer.actor, order_id=order.id)
    page = supplier.client.get("/payouts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "1,125.00" in html and "125.00" in html  # available after the 10 % reserve, and the reserve

    first = supplier.client.post("/payouts/accounts/", add_body())
    assert first.status_code == 302 and first["Location"].startswith("/account/confirm-password/")
    assert PayoutAccount.objects.count() == 0
    confirmed_pw = supplier.client.post("/account/confirm-password/", {"password": PASSWORD, "next": "/payouts/"})
    assert confirmed_pw["Location"] == "/payouts/"

    bad = supplier.client.post("/payouts/accounts/", add_body(iban="DE89 3704 0044 0532 0130 01"))
    assert bad.status_code == 422 and "not a valid IBAN" in bad.content.decode()
    assert "0532 0130 01" not in bad.content.decode()  # the number is not echoed back
    added = supplier.client.post("/payouts/accounts/", add_body())
    assert added.status_code == 302
    account = PayoutAccount.objects.get()
    html = supplier.client.get("/payouts/").content.decode()
    assert "••••3000" in html and "DE89" not in html

    first_cents, second_cents = account.verification_amounts.split(",")
    verified = supplier.client.post(
        f"/payouts/accounts/{account.id}/verify/", {"first": first_cents, "second": second_cents}
    )
    assert verified.status_code == 302 and "verified" in messages_of(verified)[0]

    page = supplier.client.get("/payouts/").content.decode()
    key = hidden(page, "idempotency_key", "/payouts/request/")
    too_much = supplier.client.post(
        "/payouts/request/", {"idempotency_key": key, "account": account.id, "amount": "2000"}
    )
    assert too_much.status_code == 422 and "more than the available balance" in too_much.content.decode()
    page = supplier.client.get("/payouts/").content.decode()
    key = hidden(page, "idempotency_key", "/payouts/request/")
    body = {"idempotency_key": key, "account": account.id, "amount": "1000.00"}
    sent = supplier.client.post("/payouts/request/", body)
    assert sent.status_code == 302
    again = supplier.client.post("/payouts/request/", body)  # double click
    assert again.status_code == 302 and Payout.objects.count() == 1
    assert Payout.objects.get().amount == 100_000
    assert_books_balance()


def test_buyers_do_not_see_payouts_and_suppliers_do_not_see_saved_cards(buyer, supplier):
    assert buyer.client.get("/payouts/").status_code == 403
    assert supplier.client.get("/settings/saved-cards/").status_code == 403


def test_save_a_card_then_pay_with_one_click(buyer, supplier):
    saved = buyer.client.post(
        "/settings/saved-cards/", {"number": "4242 4242 4242 4242", "exp_month": "12", "exp_year": "2031", "cvc": "123"}
    )
    assert saved.status_code == 302
    listing = buyer.client.get("/settings/saved-cards/").content.decode()
    assert "••••4242" in listing and "4242424242424242" not in listing and 'value="4242' not in listing
    order = confirmed(supplier, buyer)
    page = buyer.client.get(f"/orders/{order.id}/pay/").content.decode()
    assert 'id="one-click"' in page
    action = f"/orders/{order.id}/pay/saved/"
    body = {
        "idempotency_key": hidden(page, "idempotency_key", action),
        "milestone_id": hidden(page, "milestone_id", action),
        "saved_method_id": hidden(page, "saved_method_id", action),
    }
    paid = buyer.client.post(action, body)
    assert paid.status_code == 302 and paid["Location"] == f"/orders/{order.id}/"
    order.refresh_from_db()
    assert order.status == "paid"
    assert_books_balance()


def test_one_click_with_someone_elses_card_changes_nothing(buyer, supplier, rival):
    rival.client.post(
        "/settings/saved-cards/", {"number": "4242 4242 4242 4242", "exp_month": "12", "exp_year": "2031", "cvc": "123"}
    )
    from tradeshield.payments.models import SavedMethod

    rival_card = SavedMethod.objects.get(buyer=rival.org).id
    order = confirmed(supplier, buyer)
    before = ledger_snapshot()
    response = buyer.client.post(
        f"/orders/{order.id}/pay/saved/", {"idempotency_key": "k-1", "saved_method_id": rival_card}
    )
    assert response.status_code == 404
    assert ledger_snapshot() == before
