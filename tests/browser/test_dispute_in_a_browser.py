"""Disputes in a real Chromium: the buyer opens one with a photo, the supplier counters, the buyer
accepts; and on a case the supplier rejected, the trade expert decides from the workbench."""

from __future__ import annotations

from datetime import timedelta

from tests.browser.conftest import BROWSER, new_person, sign_in, snap
from tests.helpers import assert_books_balance, balance
from tests.web.support import make_member, make_staff, shipped

from tradeshield.disputes import deadlines
from tradeshield.disputes.models import Dispute
from tradeshield.kit import clock
from tradeshield.organizations.models import OrgKind

pytestmark = BROWSER

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _open_dispute(page, live_server, order_id: str, remedy: str, amount: str = "") -> Dispute:
    page.goto(f"{live_server.url}/orders/{order_id}/")
    page.get_by_label("What went wrong").select_option("damaged")
    page.get_by_label("What you ask for").select_option(remedy)
    if amount:
        page.get_by_label("Refund asked (partial refund only)").fill(amount)
    page.get_by_label("Describe the problem").fill("Twelve panels arrived cracked in their cartons.")
    page.get_by_label("Evidence (photo or PDF, up to 10 MB)").set_input_files(
        {"name": "crack.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.get_by_role("button", name="Open the dispute").click()
    page.wait_for_url("**/disputes/dsp_*/")
    return Dispute.objects.get(order_id=order_id)


def _form(page, action: str):
    return page.locator(f"form[action$='/{action}/']")


def test_a_counter_offer_accepted_in_the_browser_refunds_once(browser_page, live_server):
    buyer = make_member(OrgKind.BUYER, "Acme Imports", "US")
    supplier = make_member(OrgKind.SUPPLIER, "Shenzhen Bright", "CN")
    order = shipped(supplier, buyer, title="Cracked panels")

    buyer_page = sign_in(browser_page, live_server, buyer.user.email)
    dispute = _open_dispute(buyer_page, live_server, order.id, "partial_refund", "300.00")
    buyer_page.get_by_text("crack.png").first.wait_for()
    snap(buyer_page, "buyer-dispute-opened")
    assert dispute.requested_amount == 30_000 and dispute.evidence.count() == 1

    supplier_page = new_person(browser_page, live_server, supplier.user.email)
    supplier_page.goto(f"{live_server.url}/disputes/{dispute.id}/")
    counter = _form(supplier_page, "counter")
    counter.get_by_label("Message").fill("Twelve of 100 panels: we refund 150.")
    counter.locator("input[name=amount]").fill("150.00")
    snap(supplier_page, "supplier-dispute-counter")
    counter.get_by_role("button", name="Send the offer").click()
    supplier_page.wait_for_load_state()
    assert Dispute.objects.get(pk=dispute.id).offer_amount == 15_000

    buyer_page.reload()
    _form(buyer_page, "accept").get_by_role("button", name="Accept").click()
    buyer_page.wait_for_load_state()
    snap(buyer_page, "buyer-dispute-accepted")
    assert Dispute.objects.get(pk=dispute.id).status == "resolved"
    assert balance("refunds:USD") == 15_000
    assert balance(f"escrow:{order.id}:USD") == order.total_amount - 15_000
    assert_books_balance()


def test_the_trade_expert_decides_an_escalated_case_in_the_browser(browser_page, live_server):
    buyer = make_member(OrgKind.BUYER, "Acme Imports", "US")
    supplier = make_member(OrgKind.SUPPLIER, "Shenzhen Bright", "CN")
    expert = make_staff("trade_expert")
    order = shipped(supplier, buyer, title="Flickering panels")

    buyer_page = sign_in(browser_page, live_server, buyer.user.email)
    dispute = _open_dispute(buyer_page, live_server, order.id, "full_refund")

    supplier_page = new_person(browser_page, live_server, supplier.user.email)
    supplier_page.goto(f"{live_server.url}/disputes/{dispute.id}/")
    evidence = _form(supplier_page, "evidence")  # a rejection needs the supplier's own evidence first
    evidence.get_by_label("File (photo or PDF, up to 10 MB)").set_input_files(
        {"name": "outgoing-inspection.png", "mimeType": "image/png", "buffer": PNG}
    )
    evidence.get_by_label("Note").fill("Outgoing inspection, all 100 lit.")
    evidence.get_by_role("button", name="Upload").click()
    supplier_page.get_by_text("outgoing-inspection.png").first.wait_for()
    reject = _form(supplier_page, "reject")
    reject.get_by_label("Message").fill("The panels left our factory tested; see the inspection.")
    reject.get_by_role("button", name="Reject").click()
    supplier_page.wait_for_load_state()
    assert Dispute.objects.get(pk=dispute.id).offer_by == "supplier"

    # Day 8: the system escalates and assigns the only trade expert (the sweep the worker runs).
    with clock.simulated_at(clock.now() + timedelta(days=8, minutes=1)):
        deadlines.sweep(now=clock.now())
    case = Dispute.objects.get(pk=dispute.id)
    assert case.status == "escalated" and case.expert_id == expert.user.id

    desk = new_person(browser_page, live_server, expert.user.email)
    desk.goto(f"{live_server.url}/expert/disputes/")
    desk.get_by_role("link", name=dispute.id).first.click()
    decide = _form(desk, "decide")
    decide.get_by_label("Refund to the buyer").fill("500.00")
    decide.get_by_label("Release to the supplier").fill("750.00")
    decide.get_by_label("Written reasons").fill("Forty of the hundred panels flicker in the buyer's video.")
    snap(desk, "expert-decision")
    decide.get_by_role("button", name="Record the decision").click()
    desk.wait_for_load_state()
    decided = Dispute.objects.get(pk=dispute.id)
    assert decided.status == "decided"
    assert (decided.decision_buyer_amount, decided.decision_supplier_amount) == (50_000, 75_000)

    buyer_page.goto(f"{live_server.url}/disputes/{dispute.id}/")
    buyer_page.get_by_text("Forty of the hundred panels").first.wait_for()
    snap(buyer_page, "buyer-sees-decision")
    assert_books_balance()
