"""After the demo and flows that use test card numbers and bank accounts, a full pg_dump of the database
contains none of them in clear (nor a webhook signing secret)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from django.db import connection

from tests.conftest import VISA, confirmed_order, make_party, pay_card
from tests.payouts.support import IBAN, ROUTING, released_order, verified_account
from tradeshield.demo.payout_seed import DEMO_IBAN, DEMO_SAVED_CARD
from tradeshield.demo.seed import seed_demo
from tradeshield.notifications import webhooks
from tradeshield.organizations.models import OrgKind

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed"),
]

SAVED_CARD = "5105105105105100"
US_ACCOUNT = "987654321012"
ECHECK_ACCOUNT = "000555666777"


def pg_dump() -> str:
    params = connection.get_connection_params()
    env = {**os.environ, "PGPASSWORD": str(params.get("password") or "")}
    args = ["pg_dump", "--no-owner", "--data-only", "-d", str(connection.settings_dict["NAME"])]
    for flag, key in (("-h", "host"), ("-p", "port"), ("-U", "user")):
        if params.get(key):
            args += [flag, str(params[key])]
    out = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120, check=True)
    return out.stdout


def test_no_card_or_account_number_in_clear_in_a_full_dump(buyer, supplier):
    assert seed_demo(if_empty=False)
    released_order(buyer, supplier)
    verified_account(supplier)
    verified_account(
        supplier, scheme="us_aba", holder_name="SW", currency="USD", routing_number=ROUTING, account_number=US_ACCOUNT
    )
    assert buyer.client.post("/payment-methods", {"card": {**VISA, "number": SAVED_CARD}}, key=False).status_code == 201
    order = confirmed_order(buyer, supplier)
    paid = buyer.client.post(
        f"/orders/{order['id']}/payments",
        {"method": "echeck", "bank_account": {"routing_number": ROUTING, "account_number": ECHECK_ACCOUNT}},
    )
    assert paid.status_code == 201, paid.content
    order2 = confirmed_order(buyer, supplier)
    assert pay_card(buyer, order2["id"]).status_code == 201
    hook_org = make_party(OrgKind.BUYER, "Hook Buyer", "US").org
    _, secret = webhooks.webhook_endpoint_create(organization=hook_org, url="https://example.com/hook")

    dump = pg_dump()
    assert "payout_account" in dump and "payment_saved_method" in dump  # the dump really has the data
    for secret_value in (
        VISA["number"],
        SAVED_CARD,
        DEMO_SAVED_CARD["number"],
        IBAN,
        DEMO_IBAN,
        US_ACCOUNT,
        ECHECK_ACCOUNT,
        secret,
    ):
        assert secret_value not in dump, f"{secret_value[:4]}… found in clear in the database dump"
