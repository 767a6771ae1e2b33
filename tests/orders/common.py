"""Shared by the order service tests: a confirmed order made through the services, and a test card."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from tradeshield.kit import clock
from tradeshield.orders import services
from tradeshield.orders.models import Order
from tradeshield.organizations.actors import Actor

CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": clock.today().year + 3, "cvc": "123"}


def confirmed_order(buyer: Actor, supplier: Actor) -> Order:
    """A one-line USD order issued by the supplier and confirmed by both sides."""
    assert buyer.organization is not None
    terms = services.OrderTerms(
        title="LED panels",
        currency="USD",
        incoterm="FOB",
        named_place="Shenzhen (Yantian)",
        ship_by_date=clock.today() + timedelta(days=30),
        lines=[services.LineInput("LED panel 60x60", Decimal("100"), "pcs", 1250)],
    )
    order = services.order_create(actor=supplier, counterparty_id=buyer.organization.id, terms=terms)
    services.order_confirm(actor=supplier, order_id=order.id)
    services.order_confirm(actor=buyer, order_id=order.id)
    return order
