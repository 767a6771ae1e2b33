"""Demo disputes: one in negotiation (the supplier countered), one escalated to the demo trade expert."""

from __future__ import annotations

import struct
import zlib

from django.db import transaction

from tradeshield.disputes import services as disputes
from tradeshield.orders.models import Order
from tradeshield.organizations.actors import Actor, actor_for_user
from tradeshield.organizations.models import MemberRole, Membership


def _png(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (200, 60, 40)) -> bytes:
    """A small solid-colour PNG, so the demo's evidence opens as a real picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _owner(org_id: str) -> Actor:
    member = Membership.objects.select_related("user").filter(organization_id=org_id, role=MemberRole.OWNER).first()
    assert member is not None
    return actor_for_user(member.user)


@transaction.atomic
def seed_disputes() -> None:
    towels = Order.objects.get(title="Beach towels — summer line")
    buyer, supplier = _owner(towels.buyer_id), _owner(towels.supplier_id)
    negotiating = disputes.dispute_open(
        actor=buyer,
        order_id=towels.id,
        reason="quantity_short",
        remedy="partial_refund",
        amount=towels.total_amount // 10,
        description="The packing list says 2,000 bath towels; the carton count on the bill of lading is 1,800.",
    )
    disputes.evidence_add(
        actor=buyer,
        dispute_id=negotiating.id,
        data=_png(rgb=(40, 90, 200)),
        name="carton-count.png",
        note="Carton count at loading",
    )
    disputes.dispute_counter(
        actor=supplier,
        dispute_id=negotiating.id,
        amount=towels.total_amount // 20,
        text="200 towels were short-shipped in one carton; we offer half the claim and ship the rest next order.",
    )

    lights = Order.objects.get(title="Linear lights for Hamburg warehouse")
    buyer, supplier = _owner(lights.buyer_id), _owner(lights.supplier_id)
    escalated = disputes.dispute_open(
        actor=buyer,
        order_id=lights.id,
        reason="damaged",
        remedy="full_refund",
        description="40 of 400 fittings arrived with cracked diffusers; the pallet wrap was torn.",
    )
    disputes.evidence_add(actor=buyer, dispute_id=escalated.id, data=_png(), name="cracked-diffuser.png")
    disputes.evidence_add(
        actor=supplier,
        dispute_id=escalated.id,
        data=_png(rgb=(60, 160, 80)),
        name="loading-photo.png",
        note="Pallets intact when loaded",
    )
    disputes.dispute_reject(
        actor=supplier, dispute_id=escalated.id, text="The goods left our plant intact; the damage happened in transit."
    )
    order, locked = disputes._lock(escalated.id)
    disputes.escalate(locked, order, None)  # to arbitration; the demo trade expert is assigned
