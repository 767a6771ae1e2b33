"""The order life cycle. Every change of `Order.status` goes through `orders.services.transition`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    DEPOSIT_PAID = "deposit_paid", _("Deposit paid")
    PAID = "paid", _("Paid in full")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


S = OrderStatus

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.AWAITING_PAYMENT, S.CANCELLED},
    S.AWAITING_PAYMENT: {S.DEPOSIT_PAID, S.PAID, S.CANCELLED, S.REFUNDED},
    S.DEPOSIT_PAID: {S.PAID, S.REFUNDED},
    S.PAID: {S.SHIPPED, S.REFUNDED},
    S.SHIPPED: {S.DELIVERED, S.COMPLETED, S.REFUNDED},
    S.DELIVERED: {S.COMPLETED, S.REFUNDED},
    S.COMPLETED: set(),
    S.CANCELLED: set(),
    S.REFUNDED: set(),
}

# Which states allow each action; an action outside them is a 409 with the action's code.
EDITABLE = {S.DRAFT}
PAYABLE = {S.AWAITING_PAYMENT, S.DEPOSIT_PAID}
SHIPPABLE = {S.PAID}
RECEIVABLE = {S.SHIPPED, S.DELIVERED}
CANCELLABLE = {S.DRAFT, S.AWAITING_PAYMENT, S.DEPOSIT_PAID, S.PAID}
REFUNDABLE = {S.DEPOSIT_PAID, S.PAID, S.SHIPPED, S.DELIVERED}
AMENDABLE = {S.AWAITING_PAYMENT, S.DEPOSIT_PAID, S.PAID}
TERMINAL = {S.COMPLETED, S.CANCELLED, S.REFUNDED}


def can_transition(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, set())
