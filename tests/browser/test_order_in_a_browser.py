"""A buyer and a supplier complete a protected order in a real Chromium, driven by Playwright."""

from __future__ import annotations

import os
import shutil

import pytest
from django.db import connection
from tests.helpers import assert_books_balance, supplier_funds
from tests.web.support import PASSWORD, confirmed, make_member

from tradeshield.orders.models import Order
from tradeshield.organizations.models import OrgKind

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (make install does it)"
    ),
]
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls made between steps are safe
    # here, but Django sees an async context and gives them a connection of their own, closed below.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context
        connection.close()
        browser.close()


def sign_in(context, live_server, email: str):
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_pay_ship_and_confirm_receipt_in_the_browser(browser_page, live_server):
    buyer = make_member(OrgKind.BUYER, "Acme Imports", "US")
    supplier = make_member(OrgKind.SUPPLIER, "Shenzhen Bright", "CN")
    order = confirmed(supplier, buyer, title="Browser-tested panels")

    buyer_page = sign_in(browser_page, live_server, buyer.user.email)
    buyer_page.get_by_role("link", name="Browser-tested panels").click()
    buyer_page.get_by_role("link", name="Pay").first.click()
    assert "2.99" in buyer_page.content()  # the card fee is shown before paying
    buyer_page.get_by_label("Card number").fill("4242 4242 4242 4242")
    buyer_page.get_by_label("Expiry month").select_option("12")
    buyer_page.get_by_label("Expiry year").select_option(index=3)
    buyer_page.get_by_label("Security code (CVC)").fill("123")
    buyer_page.get_by_role("button", name="Pay by card").click()
    buyer_page.wait_for_url(f"**/orders/{order.id}/**")
    assert Order.objects.get(pk=order.id).status == "paid"

    supplier_context = browser_page.browser.new_context()
    supplier_page = sign_in(supplier_context, live_server, supplier.user.email)
    supplier_page.goto(f"{live_server.url}/orders/{order.id}/")
    supplier_page.get_by_label("Carrier").fill("COSCO")
    supplier_page.get_by_label("Tracking number").fill("COSU1234567")
    supplier_page.get_by_role("button", name="Mark shipped").click()
    supplier_page.wait_for_load_state()
    assert Order.objects.get(pk=order.id).status == "shipped"

    buyer_page.goto(f"{live_server.url}/orders/{order.id}/")
    buyer_page.get_by_label("I have received the goods as agreed.").check()
    buyer_page.once("dialog", lambda dialog: dialog.accept())
    buyer_page.get_by_role("button", name="Confirm receipt and release payment").click()
    buyer_page.wait_for_load_state()
    buyer_page.get_by_text("Completed").first.wait_for()
    assert Order.objects.get(pk=order.id).status == "completed"
    assert supplier_funds(f"supplier_available:{supplier.org.id}:USD") == order.total_amount
    assert_books_balance()
