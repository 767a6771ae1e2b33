"""A buyer and a supplier complete a protected order in a real Chromium, driven by Playwright."""

from __future__ import annotations

from tests.browser.conftest import BROWSER, new_person, sign_in, snap
from tests.helpers import assert_books_balance, supplier_funds
from tests.web.support import confirmed, make_member

from tradeshield.orders.models import Order
from tradeshield.organizations.models import OrgKind

pytestmark = BROWSER


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
    snap(buyer_page, "buyer-pay-by-card")
    buyer_page.get_by_role("button", name="Pay by card").click()
    buyer_page.wait_for_url(f"**/orders/{order.id}/**")
    assert Order.objects.get(pk=order.id).status == "paid"

    supplier_page = new_person(browser_page, live_server, supplier.user.email)
    supplier_page.goto(f"{live_server.url}/orders/{order.id}/")
    supplier_page.get_by_label("Carrier").fill("COSCO")
    supplier_page.get_by_label("Tracking number").fill("COSU1234567")
    snap(supplier_page, "supplier-mark-shipped")
    supplier_page.get_by_role("button", name="Mark shipped").click()
    supplier_page.wait_for_load_state()
    assert Order.objects.get(pk=order.id).status == "shipped"

    buyer_page.goto(f"{live_server.url}/orders/{order.id}/")
    buyer_page.get_by_label("I have received the goods as agreed.").check()
    buyer_page.once("dialog", lambda dialog: dialog.accept())
    buyer_page.get_by_role("button", name="Confirm receipt and release payment").click()
    buyer_page.wait_for_load_state()
    buyer_page.get_by_text("Completed").first.wait_for()
    snap(buyer_page, "buyer-order-completed")
    assert Order.objects.get(pk=order.id).status == "completed"
    assert supplier_funds(f"supplier_available:{supplier.org.id}:USD") == order.total_amount
    assert_books_balance()
