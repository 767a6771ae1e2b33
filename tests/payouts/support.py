"""Shared steps for payout tests: a released order, a verified payout account."""

from __future__ import annotations

from typing import Any

from tests.conftest import PASSWORD, Party, confirmed_order, pay_card
from tradeshield.payouts.models import PayoutAccount

IBAN = "DE89370400440532013000"
ROUTING = "011000015"
US_ACCOUNT = "000123456789"


def released_order(buyer: Party, supplier: Party) -> str:
    """A 125,000 USD order paid by card, shipped and received: escrow released to the supplier."""
    order = confirmed_order(buyer, supplier)
    assert pay_card(buyer, order["id"]).status_code == 201
    shipped = supplier.client.post(f"/orders/{order['id']}/ship", {"carrier": "DHL", "tracking_number": "1"}, key=False)
    assert shipped.status_code == 200, shipped.content
    received = buyer.client.post(f"/orders/{order['id']}/confirm-receipt")
    assert received.status_code == 200, received.content
    return str(order["id"])


def add_account(party: Party, body: dict[str, Any] | None = None, password: str | None = PASSWORD) -> Any:
    body = body or {"scheme": "iban", "holder_name": "Shenzhen Widgets Ltd", "currency": "USD", "iban": IBAN}
    headers = {"Authorization": f"Bearer {party.client.token}"}
    if password is not None:
        headers["X-TradeShield-Password"] = password
    import json

    return party.client.client.post(
        "/api/v1/payout-accounts", data=json.dumps(body), content_type="application/json", headers=headers
    )


def verified_account(party: Party, **body: Any) -> str:
    created = add_account(party, body or None)
    assert created.status_code == 201, created.content
    account = PayoutAccount.objects.get(pk=created.json()["id"])
    amounts = [int(a) for a in account.verification_amounts.split(",")]
    verified = party.client.post(f"/payout-accounts/{account.id}/verify", {"amounts": amounts}, key=False)
    assert verified.status_code == 200 and verified.json()["status"] == "verified", verified.content
    return account.id


def payout(party: Party, account_id: str, amount: int, key: Any = True) -> Any:
    return party.client.post(
        "/payouts", {"payout_account_id": account_id, "amount": {"amount": amount, "currency": "USD"}}, key=key
    )
