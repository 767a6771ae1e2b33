"""A support agent matches a buyer's bank transfer to its order from a bank statement, in a real Chromium."""

from __future__ import annotations

from tests.browser.conftest import BROWSER, new_person, sign_in, snap
from tests.helpers import assert_books_balance, balance
from tests.web.support import confirmed, make_member, make_staff

from tradeshield.orders.models import Order
from tradeshield.organizations.models import OrgKind
from tradeshield.payments.models import Payment

pytestmark = BROWSER


def test_a_buyers_bank_transfer_is_matched_by_a_support_agent(browser_page, live_server):
    buyer = make_member(OrgKind.BUYER, "Acme Imports", "US")
    supplier = make_member(OrgKind.SUPPLIER, "Shenzhen Bright", "CN")
    agent = make_staff("support_agent")
    order = confirmed(supplier, buyer, title="Transfer-paid panels")

    buyer_page = sign_in(browser_page, live_server, buyer.user.email)
    buyer_page.goto(f"{live_server.url}/orders/{order.id}/pay/?method=bank_transfer")
    buyer_page.get_by_role("button", name="Get transfer instructions").click()
    buyer_page.wait_for_url("**/payments/pay_*/")
    payment = Payment.objects.get(order_id=order.id)
    buyer_page.get_by_text(payment.bank_reference).first.wait_for()  # the reference to quote at the bank
    snap(buyer_page, "buyer-transfer-instructions")
    assert Order.objects.get(pk=order.id).status != "paid"

    agent_page = new_person(browser_page, live_server, agent.user.email)
    agent_page.get_by_role("link", name="Bank statements").click()
    major = f"{payment.amount // 100}.{payment.amount % 100:02d}"
    agent_page.get_by_label("Paste CSV").fill(
        "bank_transaction_id,value_date,reference,amount,currency,payer_name\n"
        f"BTX-77001,2026-11-20,{payment.bank_reference},{major},USD,Acme Imports\n"
        "BTX-77002,2026-11-20,TSNOSUCHREF1,10.00,USD,Someone Else\n"
    )
    agent_page.get_by_role("button", name="Import").click()
    result = agent_page.get_by_role("status")
    result.wait_for()
    snap(agent_page, "staff-bank-statement-imported")
    counts = result.locator(".stat-value").all_inner_texts()
    assert counts == ["2", "1", "1", "0"]  # rows, matched, unmatched, already imported

    assert Order.objects.get(pk=order.id).status == "paid"
    assert balance(f"escrow:{order.id}:USD") == payment.amount
    assert_books_balance()

    # The buyer sees the order paid; the same statement imported again changes nothing.
    buyer_page.goto(f"{live_server.url}/orders/{order.id}/")
    buyer_page.get_by_text("Paid").first.wait_for()
    agent_page.get_by_role("button", name="Import").click()
    agent_page.get_by_role("status").wait_for()
    assert agent_page.get_by_role("status").locator(".stat-value").all_inner_texts() == [
        "2",
        "0",
        "0",
        "2",
    ]  # both rows were recorded the first time
    assert balance(f"escrow:{order.id}:USD") == payment.amount
