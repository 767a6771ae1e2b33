"""Each signal, computed by the one SQL statement over the real tables."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from tests.conftest import Party
from tradeshield.kit import clock
from tradeshield.organizations.models import Organization
from tradeshield.payments.models import Payment
from tradeshield.payouts.models import PayoutAccount
from tradeshield.risk.models import Assessment, TrustedOrganization
from tradeshield.risk.signals import Facts, compute


def facts(party: Party, **extra: object) -> Facts:
    base: dict[str, object] = {
        "kind": "payment",
        "organization_id": party.org.id,
        "user_id": party.user.id,
        "currency": "USD",
        "amount": 100_000,
    }
    base.update(extra)
    return Facts(**base)  # type: ignore[arg-type]


def seen(party: Party, minutes_ago: float, **fields: object) -> None:
    base: dict[str, object] = {
        "kind": "payment",
        "organization_id": party.org.id,
        "user_id": party.user.id,
        "outcome": "allow",
        "created_at": clock.now() - timedelta(minutes=minutes_ago),
    }
    base.update(fields)
    Assessment.objects.create(**base)


def paid(buyer: Party, supplier: Party, n: int, amount: int, status: str = "held", minutes_ago: float = 60) -> None:
    for i in range(n):
        Payment.objects.create(
            order_id=f"ord_sig{i}",
            milestone_id=f"ms_sig{status}{i}{amount}",
            buyer=buyer.org,
            supplier=supplier.org,
            method="card",
            provider="sandbox",
            status=status,
            currency="USD",
            amount=amount,
            created_at=clock.now() - timedelta(minutes=minutes_ago + i),
        )


def test_velocity_per_organization_counts_the_kind_in_the_last_hour_and_day(buyer: Party, other_buyer: Party) -> None:
    for minutes in (5, 20, 50, 90, 23 * 60, 25 * 60):
        seen(buyer, minutes)
    seen(buyer, 5, kind="payout")  # another kind
    seen(other_buyer, 5)  # another organization
    values = compute(facts(buyer), clock.now()).values
    assert values["velocity_org_1h"] == 3
    assert values["velocity_org_24h"] == 5


def test_velocity_per_card_fingerprint_across_organizations(buyer: Party, other_buyer: Party) -> None:
    seen(buyer, 10, card_fingerprint="fp1")
    seen(other_buyer, 30, card_fingerprint="fp1")
    seen(other_buyer, 120, card_fingerprint="fp1")
    seen(other_buyer, 10, card_fingerprint="fp2")
    values = compute(facts(buyer, card_fingerprint="fp1"), clock.now()).values
    assert (values["velocity_card_1h"], values["velocity_card_24h"]) == (2, 3)
    none = compute(facts(buyer), clock.now()).values
    assert (none["velocity_card_1h"], none["velocity_card_24h"]) == (0, 0)  # no card: nothing counted


def test_velocity_per_ip(buyer: Party, other_buyer: Party) -> None:
    seen(buyer, 10, ip="203.0.113.7")
    seen(other_buyer, 10, ip="203.0.113.7", kind="payout")
    seen(other_buyer, 200, ip="203.0.113.7")
    seen(other_buyer, 10, ip="198.51.100.1")
    values = compute(facts(buyer, ip="203.0.113.7"), clock.now()).values
    assert (values["velocity_ip_1h"], values["velocity_ip_24h"]) == (2, 3)


def test_amount_against_the_buyers_own_median(buyer: Party, supplier: Party) -> None:
    assert compute(facts(buyer), clock.now()).values["history_count"] == 0
    paid(buyer, supplier, 3, 100_000)
    paid(buyer, supplier, 2, 200_000, status="released")
    paid(buyer, supplier, 4, 9_000_000, status="failed")  # failures are not history
    values = compute(facts(buyer, amount=600_000), clock.now()).values
    assert values["history_count"] == 5
    assert values["amount_ratio"] == Decimal("6.00")  # median 100,000
    assert values["amount_usd"] == Decimal("6000.00")
    assert compute(facts(buyer, amount=600_000, currency="EUR"), clock.now()).values["history_count"] == 0


def test_failed_payments_in_the_last_day(buyer: Party, supplier: Party) -> None:
    paid(buyer, supplier, 3, 5_000, status="failed", minutes_ago=30)
    paid(buyer, supplier, 2, 6_000, status="failed", minutes_ago=25 * 60)
    assert compute(facts(buyer), clock.now()).values["failed_payments_24h"] == 3


def test_countries_and_account_age(buyer: Party) -> None:
    Organization.objects.filter(pk=buyer.org.id).update(created_at=clock.now() - timedelta(days=10, hours=1))
    values = compute(facts(buyer, card_country="ng", ip_country="RU"), clock.now()).values
    assert (values["card_country"], values["ip_country"], values["org_country"]) == ("NG", "RU", "US")
    assert values["account_age_days"] == 10


def test_new_device_is_per_user(buyer: Party, other_buyer: Party) -> None:
    assert compute(facts(buyer, device="dev-a"), clock.now()).values["new_device"] is True
    seen(buyer, 60 * 24 * 30, device="dev-a")
    seen(other_buyer, 5, device="dev-b")
    assert compute(facts(buyer, device="dev-a"), clock.now()).values["new_device"] is False
    assert compute(facts(buyer, device="dev-b"), clock.now()).values["new_device"] is True
    assert compute(facts(buyer, device=""), clock.now()).values["new_device"] is False  # unknown device


def test_recently_changed_payout_account(supplier: Party) -> None:
    assert compute(facts(supplier, kind="payout"), clock.now()).values["days_since_account_change"] == 9999
    for days in (40, 2):
        PayoutAccount.objects.create(
            organization=supplier.org,
            scheme="iban",
            holder_name="S",
            country="DE",
            currency="USD",
            last4="3000",
            status="verified",
            created_at=clock.now() - timedelta(days=days, minutes=1),
        )
    values = compute(facts(supplier, kind="payout"), clock.now()).values
    assert values["days_since_account_change"] == 2
    assert values["account_changes_24h"] == 0
    PayoutAccount.objects.create(
        organization=supplier.org, scheme="iban", holder_name="S", country="DE", currency="USD", last4="1", status="x"
    )
    values = compute(facts(supplier, kind="account_change"), clock.now()).values
    assert (values["days_since_account_change"], values["account_changes_24h"]) == (0, 1)


def test_trusted_allowlist(buyer: Party) -> None:
    assert compute(facts(buyer), clock.now()).values["trusted"] is False
    TrustedOrganization.objects.create(organization_id=buyer.org.id, note="benchmark")
    assert compute(facts(buyer), clock.now()).values["trusted"] is True


def test_one_statement_per_decision(buyer: Party, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[str] = []
    execute = psycopg.Cursor.execute

    def counting(self: psycopg.Cursor[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(str(query))
        return execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", counting)
    for _ in range(3):
        compute(facts(buyer, card_fingerprint="x", ip="10.0.0.1", device="d"), clock.now())
    assert len(sent) == 3 and all("risk_assessment" in q for q in sent)  # one round trip per decision
