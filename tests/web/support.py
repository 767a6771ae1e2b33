"""Helpers for the web UI tests: members with a signed-in client, orders in useful states, page parsing."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.messages import get_messages
from django.test import Client

from tradeshield.accounts.models import User
from tradeshield.kit import clock
from tradeshield.orders import paying, services
from tradeshield.orders.models import Order
from tradeshield.organizations import services as orgs
from tradeshield.organizations.actors import Actor, actor_for_user
from tradeshield.organizations.models import OrgKind
from tradeshield.shipments import services as shipping
from tradeshield.suppliers.fixtures import qualify

PASSWORD = "web-tests-password-42"
VISA = {"number": "4242424242424242", "exp_month": 12, "exp_year": clock.today().year + 3, "cvc": "123"}


@dataclass
class Member:
    org: Any
    user: User
    client: Client

    @property
    def actor(self) -> Actor:
        return actor_for_user(self.user)


def make_member(kind: OrgKind, name: str, country: str, role: str = "owner", currency: str = "USD") -> Member:
    org = orgs.organization_create(name=name, kind=kind, country=country, default_currency=currency)
    if kind == OrgKind.SUPPLIER:
        qualify(org)  # only qualified suppliers trade
    return add_member(org, role)


def add_member(org: Any, role: str) -> Member:
    email = f"{role}-{uuid.uuid4().hex[:8]}@{org.name.lower().replace(' ', '')}.test"
    user = orgs.member_create(organization=org, email=email, password=PASSWORD, role=role)
    client = Client()
    client.force_login(user)
    return Member(org=org, user=user, client=client)


def make_staff(role: str = "support_agent") -> Member:
    user = User.objects.create_user(f"{role}-{uuid.uuid4().hex[:6]}@tradeshield.test", PASSWORD, staff_role=role)
    client = Client()
    client.force_login(user)
    return Member(org=None, user=user, client=client)


def make_order(
    supplier: Member,
    buyer: Member,
    *,
    title: str = "LED panels",
    currency: str = "USD",
    unit_price: int = 1250,
    quantity: str = "100",
    deposit: str | None = None,
) -> Order:
    terms = services.OrderTerms(
        title=title,
        currency=currency,
        incoterm="FOB",
        named_place="Shenzhen (Yantian)",
        ship_by_date=clock.today() + timedelta(days=30),
        deposit_percent=Decimal(deposit) if deposit else None,
        lines=[
            services.LineInput(
                product_name="LED panel 60x60",
                quantity=Decimal(quantity),
                unit="pcs",
                unit_price=unit_price,
                specifications="4000 K, 40 W",
            )
        ],
    )
    return services.order_create(actor=supplier.actor, counterparty_id=buyer.org.id, terms=terms)


def confirmed(supplier: Member, buyer: Member, **kwargs: Any) -> Order:
    order = make_order(supplier, buyer, **kwargs)
    services.order_confirm(actor=supplier.actor, order_id=order.id)
    services.order_confirm(actor=buyer.actor, order_id=order.id)
    order.refresh_from_db()
    return order


def paid(supplier: Member, buyer: Member, **kwargs: Any) -> Order:
    order = confirmed(supplier, buyer, **kwargs)
    paying.order_pay(actor=buyer.actor, order_id=order.id, method="card", card=VISA)
    order.refresh_from_db()
    return order


def shipped(supplier: Member, buyer: Member, **kwargs: Any) -> Order:
    order = paid(supplier, buyer, **kwargs)
    shipping.order_ship(actor=supplier.actor, order_id=order.id, carrier="COSCO", tracking_number="COSU123", mode="sea")
    order.refresh_from_db()
    return order


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def hidden(html: str, name: str, action: str = "") -> str:
    """The value of the hidden input `name`, in the form posting to `action` if given."""
    if action:
        start = html.index(f'action="{action}"')
        html = html[start : html.index("</form>", start)]
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden input {name!r}"
    return match.group(1)
