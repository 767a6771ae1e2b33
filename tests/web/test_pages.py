"""Every page renders once with its key content; API keys; the dashboard filter; the shared layout."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from tests.web.support import VISA, confirmed, make_order, messages_of, paid, shipped

from tradeshield.orders import paying
from tradeshield.organizations.models import ApiKey
from tradeshield.payments.models import Payment

pytestmark = pytest.mark.django_db


def test_every_page_renders(buyer, supplier, staff):
    draft = make_order(supplier, buyer, title="Draft lamps")
    awaiting = confirmed(supplier, buyer, title="Awaiting towels", currency="JPY", unit_price=420)
    in_transit = shipped(supplier, buyer, title="Shipped panels")
    wallet_order = confirmed(supplier, buyer, title="Wallet order", currency="EUR")
    wallet = paying.order_pay(actor=buyer.actor, order_id=wallet_order.id, method="wallet", wallet="paypal")
    card = Payment.objects.get(order_id=in_transit.id)
    pages = {
        "/login/": (Client(), ["Sign in", 'type="password"']),
        "/": (
            buyer.client,
            ["Your orders", "Draft lamps", "Awaiting payment", "status-chart-data", "held-chart-data", "1,250.00 USD"],
        ),
        "/orders/new/": (supplier.client, ["Issue an order to a buyer", "Add line", "Incoterm"]),
        f"/orders/{draft.id}/": (buyer.client, ["Confirm terms", draft.terms_hash, "Terms version 1"]),
        f"/orders/{awaiting.id}/": (buyer.client, ["Pay 42,000 JPY", "Full payment (100 %)"]),
        f"/orders/{in_transit.id}/": (
            buyer.client,
            ["Confirm receipt and release payment", "escrow-chart-data", "Held for the supplier", "Shipped"],
        ),
        f"/orders/{awaiting.id}/pay/": (buyer.client, ["Amount due now", "Mastercard", "PayPal", "Card number"]),
        f"/orders/{awaiting.id}/pay/?method=echeck": (buyer.client, ["Card number"]),  # no e-Check for JPY
        f"/payments/{card.id}/": (buyer.client, ["Held in escrow", "Visa •••• 4242", "Released to the supplier"]),
        f"/sandbox/wallet/{wallet.id}/": (buyer.client, ["PayPal", "Approve", "TradeShield escrow"]),
        "/staff/bank-statements/": (staff.client, ["Import a bank statement", "bank_transaction_id"]),
        "/settings/api-keys/": (buyer.client, ["API keys", "Create a key"]),
    }
    for url, (client, expected) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="en" dir="ltr">' in html, url
        for text in expected:
            assert text in html, (url, text)
        # every asset is served by us (the app works offline): no absolute or protocol-relative URLs
        assert not re.search(r'(src|href)="(https?:)?//', html), url
        unlabelled = _inputs_without_label(html)
        assert not unlabelled, (url, unlabelled)


def _inputs_without_label(html: str) -> list[str]:
    """Visible inputs whose id no <label for=…> names (radios and checkboxes included)."""
    labelled = set(re.findall(r'<label[^>]*for="([^"]+)"', html))
    missing = []
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if 'type="hidden"' in tag:
            continue
        match = re.search(r'id="([^"]+)"', tag)
        if not match or match.group(1) not in labelled:
            missing.append(tag)
    return missing


def test_dashboard_filters_by_status_and_answers_htmx_with_the_table(buyer, supplier):
    make_order(supplier, buyer, title="Still a draft")
    paid(supplier, buyer, title="Already paid")
    html = buyer.client.get("/?status=paid").content.decode()
    assert "Already paid" in html and "Still a draft" not in html
    partial = buyer.client.get("/?status=draft", headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="orders-table">') and "Still a draft" in partial
    assert "<html" not in partial


def test_payment_page_shows_card_brand_and_last4_only(buyer, supplier):
    order = confirmed(supplier, buyer)
    payment = paying.order_pay(actor=buyer.actor, order_id=order.id, method="card", card=VISA)
    html = buyer.client.get(f"/payments/{payment.id}/").content.decode()
    assert "•••• 4242" in html and VISA["number"] not in html
    for step in ("Initiated", "Authorized", "Captured", "Held in escrow", "Released to the supplier"):
        assert step in html
    assert "1,287.38 USD" in html


def test_owner_creates_an_api_key_sees_the_secret_once_and_revokes_it(buyer):
    response = buyer.client.post("/settings/api-keys/", {"name": "ERP integration"})
    key = ApiKey.objects.get(organization=buyer.org)
    secret = re.search(r'id="new-secret">([^<]+)<', response.content.decode()).group(1)
    assert secret.startswith("tsk_") and response["Cache-Control"] == "no-store"
    listing = buyer.client.get("/settings/api-keys/").content.decode()
    assert "ERP integration" in listing and secret not in listing and key.prefix in listing

    response = buyer.client.post(f"/settings/api-keys/{key.id}/revoke/", follow=True)
    assert any("revoked" in m for m in messages_of(response))
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_language_menu_switches_the_language(buyer):
    response = buyer.client.post("/language/", {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="es" dir="ltr">' in buyer.client.get("/").content.decode()
