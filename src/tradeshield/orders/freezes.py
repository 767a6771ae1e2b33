"""Reasons an order's escrow may not be released right now, registered by higher domains.

`orders` knows nothing about disputes (the layers forbid importing them), yet every release path
goes through `paying.complete_and_release`, which asks each registered freeze first. The disputes
app registers one at start-up: an open dispute freezes the order's funds.
"""

from __future__ import annotations

from collections.abc import Callable

from tradeshield.orders.errors import OrderStateError
from tradeshield.orders.models import Order

Freeze = Callable[[Order], str | None]  # a message for people when frozen, else None
_freezes: list[Freeze] = []


def register(freeze: Freeze) -> None:
    if freeze not in _freezes:
        _freezes.append(freeze)


def frozen_reason(order: Order) -> str | None:
    for freeze in _freezes:
        reason = freeze(order)
        if reason:
            return reason
    return None


def require_not_frozen(order: Order) -> None:
    reason = frozen_reason(order)
    if reason:
        raise OrderStateError(reason, code="order_funds_frozen")
