"""Arabic in a real Chromium: the layout mirrors (brand on the right, menus on the left); screenshots to look at."""

from __future__ import annotations

from tests.browser.conftest import BROWSER, VIEWPORT, sign_in, snap
from tests.web.support import confirmed, make_member, paid, shipped

from tradeshield.organizations.models import OrgKind

pytestmark = BROWSER


def test_switching_to_arabic_mirrors_the_layout(browser_page, live_server):
    buyer = make_member(OrgKind.BUYER, "Acme Imports", "US")
    supplier = make_member(OrgKind.SUPPLIER, "Shenzhen Bright", "CN")
    confirmed(supplier, buyer, title="Cotton towels")
    paid(supplier, buyer, title="Steel fittings", currency="EUR")
    order = shipped(supplier, buyer, title="LED panels")

    page = sign_in(browser_page, live_server, buyer.user.email)
    brand = page.locator(".navbar-brand")
    assert page.locator("html").get_attribute("dir") == "ltr"
    left_to_right = brand.bounding_box()
    assert left_to_right is not None and left_to_right["x"] < VIEWPORT["width"] / 2

    page.locator("button.dropdown-toggle:has(.bi-translate)").click()
    page.locator('button[name="language"][value="ar"]').click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    page.get_by_role("heading", name="طلباتك").wait_for()
    right_to_left = brand.bounding_box()
    assert right_to_left is not None and right_to_left["x"] > VIEWPORT["width"] / 2  # the brand moved right
    sign_out = page.locator('form[action$="/logout/"] button').bounding_box()
    assert sign_out is not None and sign_out["x"] < right_to_left["x"]  # the account controls moved left
    # Bootstrap's RTL stylesheet is the one applied: text starts at the right.
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('main')).textAlign") in ("start", "right")
    page.wait_for_function("document.querySelectorAll('canvas[data-drawn]').length > 0")
    snap(page, "arabic-dashboard")

    page.goto(f"{live_server.url}/orders/{order.id}/")
    page.get_by_role("button", name="تأكيد الاستلام وتحرير الدفعة").wait_for()
    money = page.locator("td.money").first
    cell = money.bounding_box()
    row = money.locator("xpath=ancestor::tr").bounding_box()
    assert cell is not None and row is not None and cell["x"] < row["x"] + row["width"] / 2  # amounts at the end: left
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")  # no overflow
    assert "COSCO · COSU123 · الشحن البحري" in page.content()  # the mode is a label, not the stored "sea"
    snap(page, "arabic-order")

    page.locator("button.dropdown-toggle:has(.bi-translate)").click()
    page.locator('button[name="language"][value="ru"]').click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert "Подтвердить получение и перечислить платёж" in page.content()
    snap(page, "russian-order")
