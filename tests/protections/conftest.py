"""A sandbox on a simulation clock: a buyer, a supplier and a platform admin who moves time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.conftest import Party, make_party

from tradeshield.clocks.services import test_clock_create
from tradeshield.organizations.models import OrgKind

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class Sandbox:
    clock_id: str
    buyer: Party
    supplier: Party
    admin: Party

    def advance(self, **delta: float) -> dict[str, Any]:
        now = self.admin.client.get(f"/test-clocks/{self.clock_id}").json()["now"]
        target = datetime.fromisoformat(now.replace("Z", "+00:00")) + timedelta(**delta)
        response = self.admin.client.post(
            f"/test-clocks/{self.clock_id}/advance", {"to": target.isoformat()}, key=False
        )
        assert response.status_code == 200, response.content
        return response.json()


@pytest.fixture
def sandbox(db: None) -> Sandbox:
    clock = test_clock_create(name="test sandbox", start_at=START)
    buyer = make_party(OrgKind.BUYER, "Sandbox Buyer", "US")
    supplier = make_party(OrgKind.SUPPLIER, "Sandbox Supplier", "CN")
    for party in (buyer, supplier):
        party.org.test_clock = clock
        party.org.save()
    admin = make_party(OrgKind.BUYER, "unused", "GB")
    admin.user.membership.delete()
    admin.user.staff_role = "admin"
    admin.user.save()
    return Sandbox(clock.id, buyer, supplier, admin)
