"""Smoke test of the default set-up: no DATABASE_URL, so an embedded PostgreSQL starts under var/."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent("""
    import os, django
    os.environ["DJANGO_SETTINGS_MODULE"] = "tradeshield.settings"
    django.setup()
    from datetime import timedelta
    from decimal import Decimal
    from django.core.management import call_command
    from django.db import connection
    call_command("migrate", verbosity=0)
    from tradeshield.kit import clock
    from tradeshield.ledger.selectors import ledger_check
    from tradeshield.orders import paying, services
    from tradeshield.organizations import services as orgs
    from tradeshield.organizations.actors import actor_for_user
    from tradeshield.shipments import services as shipping
    buyer_org = orgs.organization_create(name="B", kind="buyer", country="US")
    supplier_org = orgs.organization_create(name="S", kind="supplier", country="CN")
    from tradeshield.suppliers.fixtures import qualify
    qualify(supplier_org)
    buyer = actor_for_user(orgs.member_create(organization=buyer_org, email="b@x.test", password="pw-0123456789",
                                              role="owner"))
    supplier = actor_for_user(orgs.member_create(organization=supplier_org, email="s@x.test",
                                                 password="pw-0123456789", role="owner"))
    terms = services.OrderTerms(title="T", currency="KWD", incoterm="CIF", named_place="Kuwait",
                                ship_by_date=clock.today() + timedelta(days=9),
                                lines=[services.LineInput("Valve", Decimal("3"), "pcs", 1_001)])
    order = services.order_create(actor=supplier, counterparty_id=buyer_org.id, terms=terms)
    services.order_confirm(actor=supplier, order_id=order.id)
    services.order_confirm(actor=buyer, order_id=order.id)
    payment = paying.order_pay(actor=buyer, order_id=order.id, method="card",
                               card={"number": "4242424242424242", "exp_month": 1, "exp_year": 2040, "cvc": "321"})
    shipping.order_ship(actor=supplier, order_id=order.id, carrier="DHL", tracking_number="1")
    paying.order_confirm_receipt(actor=buyer, order_id=order.id)
    server = connection.settings_dict["HOST"]
    print("HOST", server)
    print("FEE", payment.fee_amount)
    print("CHECK", [(t.currency, t.posted_sum, t.pending_sum, t.recomputed_matches) for t in ledger_check()])
""")


@pytest.mark.embedded
def test_embedded_server_runs_a_whole_order(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TRADESHIELD_EMBEDDED_DB")}
    env["TRADESHIELD_VAR_DIR"] = str(tmp_path / "var")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["HOST"].startswith(str(tmp_path))  # a Unix socket inside our own data folder
    assert lines["FEE"] == "90"  # 3,003 fils at 2.99 % = 89.79 -> 90
    assert lines["CHECK"] == "[('KWD', 0, 0, True)]"
    assert (tmp_path / "var" / "pgdata" / "PG_VERSION").exists()
