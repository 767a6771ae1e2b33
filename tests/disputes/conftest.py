"""Disputes over real PostgreSQL: orders paid by card, time moved with the frozen clock, deadlines
fired by the real sweeps (protections and disputes)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.conftest import Party, confirmed_order, make_party, pay_card
from tradeshield.disputes import deadlines
from tradeshield.kit import clock
from tradeshield.organizations.models import OrgKind
from tradeshield.protections import services as protections

TOTAL = 125_000  # the default test order: 100 x 12.50 USD
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def make_expert(name: str, language: str = "en") -> Party:
    party = make_party(OrgKind.BUYER, name, "GB")
    party.user.membership.delete()
    party.user.staff_role = "trade_expert"
    party.user.preferred_language = language
    party.user.full_name = name
    party.user.save()
    return party


@pytest.fixture
def expert(db: None) -> Party:
    return make_expert("Expert One")


def shipped_order(buyer: Party, supplier: Party, **kwargs: Any) -> str:
    order = confirmed_order(buyer, supplier, **kwargs)
    assert pay_card(buyer, order["id"]).status_code == 201
    shipped = supplier.client.post(f"/orders/{order['id']}/ship", {"carrier": "DHL", "tracking_number": "1"}, key=False)
    assert shipped.status_code == 200, shipped.content
    return str(order["id"])


class Timeline:
    """Moves the (frozen) clock forward from when the test started and runs every sweep at that time."""

    def __init__(self) -> None:
        self.start = clock.now()

    @contextmanager
    def at(self, **delta: float) -> Iterator[datetime]:
        moment = self.start + timedelta(**delta)
        with clock.simulated_at(moment):
            yield moment

    def sweep(self, **delta: float) -> Counter[str]:
        with self.at(**delta) as moment:
            acted: Counter[str] = Counter()
            acted.update(protections.sweep(now=moment).acted)
            acted.update({f"dispute_{k}": v for k, v in deadlines.sweep(now=moment).items()})
            return acted


@pytest.fixture
def timeline(db: None) -> Timeline:
    return Timeline()


def open_dispute(buyer: Party, order_id: str, **body: Any) -> Any:
    payload = {"reason": "quality", "remedy": "full_refund", "description": "Half the panels flicker."} | body
    return buyer.client.post(f"/orders/{order_id}/disputes", payload, key=False)


def supplier_earned(party: Party) -> int:
    """What the supplier holds: its available balance plus the rolling reserve kept back on release."""
    from tests.helpers import balance

    return sum(balance(f"{kind}:{party.org.id}:USD") for kind in ("supplier_available", "supplier_reserve"))


def usd(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "USD"}


def upload(party: Party, dispute_id: str, data: bytes = PNG, name: str = "photo.png") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return party.client.client.post(
        f"/api/v1/disputes/{dispute_id}/evidence",
        {"file": SimpleUploadedFile(name, data), "note": "see attached"},
        headers={"Authorization": f"Bearer {party.client.token}"},
    )
