"""Another organization's order or payment is a 404 on every endpoint; staff read but do not write."""

from __future__ import annotations

import pytest
from tests.conftest import confirmed_order, make_party, pay_card
from tests.helpers import ledger_snapshot

from tradeshield.organizations.models import OrgKind

pytestmark = pytest.mark.django_db


def test_every_order_and_payment_endpoint_is_404_for_strangers(buyer, supplier, other_buyer):
    order = confirmed_order(buyer, supplier)
    payment = pay_card(buyer, order["id"]).json()
    oid, pid = order["id"], payment["id"]
    amendment = supplier.client.post(f"/orders/{oid}/amendments", {"changes": {"notes": "x"}}, key=False).json()
    before = ledger_snapshot()
    gets = [
        f"/orders/{oid}",
        f"/orders/{oid}/events",
        f"/orders/{oid}/payments",
        f"/orders/{oid}/amendments",
        f"/payments/{pid}",
        f"/payments/{pid}/timeline",
    ]
    for path in gets:
        assert other_buyer.client.get(path).status_code == 404, path
    assert other_buyer.client.get(f"/orders/{oid}/payment-quote", method="card").status_code == 404
    posts = [
        (f"/orders/{oid}/confirm", {}),
        (f"/orders/{oid}/payments", {"method": "bank_transfer"}),
        (f"/orders/{oid}/ship", {"carrier": "x", "tracking_number": "y"}),
        (f"/orders/{oid}/mark-delivered", {}),
        (f"/orders/{oid}/confirm-receipt", {}),
        (f"/orders/{oid}/cancel", {}),
        (f"/orders/{oid}/refunds", {"amount": {"amount": 1, "currency": "USD"}, "reason": "x"}),
        (f"/orders/{oid}/amendments", {"changes": {"notes": "y"}}),
        (f"/amendments/{amendment['id']}/accept", {}),
        (f"/payments/{pid}/wallet-return", {"approval_token": "t"}),
    ]
    for path, body in posts:
        response = other_buyer.client.post(path, body)
        assert response.status_code == 404, (path, response.content)
    listed = other_buyer.client.get("/orders").json()
    assert listed == {"data": [], "next_cursor": None}
    assert other_buyer.client.get(f"/orders/{oid}").json()["error"]["code"] == "order_not_found"
    assert ledger_snapshot() == before


def test_staff_see_any_order_read_only(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    staff = make_party(OrgKind.BUYER, "placeholder", "GB")
    staff.user.membership.delete()
    staff.user.staff_role = "support_agent"
    staff.user.save()
    assert staff.client.get(f"/orders/{order['id']}").status_code == 200
    assert staff.client.get("/orders").json()["data"][0]["id"] == order["id"]
    refused = staff.client.post(f"/orders/{order['id']}/cancel", {})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "staff_read_only"


def test_wrong_role_is_403(buyer, supplier):
    finance = make_party(OrgKind.SUPPLIER, "unused", "CN", role="finance")
    from tradeshield.organizations.models import Membership

    Membership.objects.filter(user=finance.user).update(organization=supplier.org)
    order = confirmed_order(buyer, supplier)
    pay_card(buyer, order["id"])
    response = finance.client.post(f"/orders/{order['id']}/ship", {"carrier": "x", "tracking_number": "y"}, key=False)
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden_role"


def test_unauthenticated_requests_are_401(db):
    from tests.conftest import ApiClient

    anonymous = ApiClient()
    assert anonymous.get("/orders").status_code == 401
    assert ApiClient("tsk_not-a-real-key").get("/orders").status_code == 401


def test_api_keys_are_shown_once_hashed_and_revocable(buyer):
    created = buyer.client.post("/api-keys", {"name": "ERP"}, key=False).json()
    secret = created["secret"]
    assert secret.startswith("tsk_")
    from tests.conftest import ApiClient

    from tradeshield.organizations.models import ApiKey

    assert secret not in {k.secret_hash for k in ApiKey.objects.all()}
    assert all(k["secret"] is None for k in buyer.client.get("/api-keys").json())
    with_key = ApiClient(secret)
    assert with_key.get("/me").json()["organization"]["id"] == buyer.org.id
    buyer.client.post(f"/api-keys/{created['id']}/revoke", key=False)
    assert with_key.get("/me").status_code == 401


def test_cursor_pagination(buyer, supplier):
    ids = [confirmed_order(buyer, supplier)["id"] for _ in range(3)]
    first = buyer.client.get("/orders", limit=2).json()
    assert [o["id"] for o in first["data"]] == ids[::-1][:2]
    second = buyer.client.get("/orders", limit=2, cursor=first["next_cursor"]).json()
    assert [o["id"] for o in second["data"]] == [ids[0]] and second["next_cursor"] is None
