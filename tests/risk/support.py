"""Shared steps for risk tests: staff users, rules changed as data, the books' state."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import PASSWORD, OrgKind, Party, make_party
from tradeshield.ledger.models import Transfer
from tradeshield.risk.models import RiskRule


def make_staff(role: str = "admin") -> Party:
    party = make_party(OrgKind.BUYER, "Risk Desk", "GB")
    party.user.membership.delete()
    party.user.staff_role = role
    party.user.save()
    return party


def add_rule(name: str, condition: str, weight: int) -> RiskRule:
    return RiskRule.objects.create(name=name, condition=condition, weight=weight)


def post(party: Party, path: str, body: Any = None, **headers: str) -> Any:
    all_headers = {"Authorization": f"Bearer {party.client.token}", **headers}
    return party.client.client.post(
        f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json", headers=all_headers
    )


def books() -> int:
    return Transfer.objects.count()


__all__ = ["PASSWORD", "add_rule", "books", "make_staff", "post"]
