"""Template helpers: money in minor units, status badges, the other side of an order."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.html import format_html

from tradeshield.kit.errors import DomainError
from tradeshield.kit.money import format_amount
from tradeshield.web.presenters import NETWORK_NAMES, status_label, status_tone

register = template.Library()


@register.filter
def money(amount: Any, currency: str) -> str:
    """`{{ order.total_amount|money:order.currency }}` → "1,250.00 USD"; also takes {"amount", "currency"}."""
    if isinstance(amount, dict):
        amount, currency = amount.get("amount"), amount.get("currency", currency)
    if amount is None or amount == "":
        return ""
    try:
        return format_amount(int(amount), currency)
    except (DomainError, TypeError, ValueError):
        return f"{amount} {currency}"


@register.simple_tag
def status_badge(status: str, kind: str = "order") -> str:
    return format_html(
        '<span class="ts-badge tone-{}">{}</span>', status_tone(kind, status), status_label(kind, status)
    )


@register.simple_tag
def counterparty(order: Any, actor: Any) -> str:
    """The other organization for a member; "buyer → supplier" for staff."""
    if actor is not None and actor.org_id == order.buyer_id:
        return order.supplier.name
    if actor is not None and actor.org_id == order.supplier_id:
        return order.buyer.name
    return format_html(
        '{} <span class="ts-arrow" aria-hidden="true">→</span> {}', order.buyer.name, order.supplier.name
    )


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def brand(network: str) -> str:
    """Card networks and wallets as their owners write them: "amex" → "American Express"."""
    return NETWORK_NAMES.get(network or "", (network or "").title())


@register.filter
def percent(value: Any) -> str:
    """ "2.990" → "2.99", "30.00" → "30"."""
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except (InvalidOperation, ValueError):
        return str(value)
