"""A shipment's state as its events say, read in the order things happened (`occurred_at`), not the
order they arrived. Pure functions: `services` stores what they return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tradeshield.shipments.models import EventKind, ShipmentEvent, ShipmentStatus

# Any of these shows the carrier has the goods, so the seller has handed them over by then. A
# `departed` or `delivered` reported without a `picked_up` still proves the hand-over.
CARRIER_HAS_GOODS = {
    EventKind.PICKED_UP,
    EventKind.DEPARTED,
    EventKind.ARRIVED_AT_PORT,
    EventKind.CUSTOMS,
    EventKind.OUT_FOR_DELIVERY,
    EventKind.DELIVERED,
}


@dataclass(frozen=True)
class Derived:
    status: str
    eta: datetime | None
    handed_over_at: datetime | None
    delivered_at: datetime | None
    last_event_at: datetime | None


def chronological(events: Sequence[ShipmentEvent]) -> list[ShipmentEvent]:
    """When two events claim the same moment, the one that arrived later counts as later."""
    return sorted(events, key=lambda e: (e.occurred_at, e.received_at, e.id))


def derive(events: Sequence[ShipmentEvent], initial_eta: datetime | None) -> Derived:
    ordered = chronological(events)
    latest = ordered[-1] if ordered else None
    eta = initial_eta
    for event in ordered:
        if event.new_eta is not None:
            eta = event.new_eta
    handed_over = [e.occurred_at for e in ordered if e.kind in CARRIER_HAS_GOODS]
    delivered = latest is not None and latest.kind == EventKind.DELIVERED
    return Derived(
        status=latest.kind if latest else ShipmentStatus.CREATED,
        eta=eta,
        handed_over_at=min(handed_over) if handed_over else None,
        delivered_at=latest.occurred_at if delivered and latest else None,
        last_event_at=latest.occurred_at if latest else None,
    )


@dataclass(frozen=True)
class EtaRevision:
    eta: datetime
    revised_at: datetime
    source: str  # "shipment" (given when it was created) or the event's source
    location: str = ""


def eta_history(
    events: Sequence[ShipmentEvent], initial_eta: datetime | None, created_at: datetime
) -> list[EtaRevision]:
    """Every ETA the shipment has had, oldest first (repeats of the same ETA left out)."""
    history = [EtaRevision(eta=initial_eta, revised_at=created_at, source="shipment")] if initial_eta else []
    for event in chronological(events):
        if event.new_eta is None or (history and history[-1].eta == event.new_eta):
            continue
        history.append(
            EtaRevision(eta=event.new_eta, revised_at=event.occurred_at, source=event.source, location=event.location)
        )
    return history
