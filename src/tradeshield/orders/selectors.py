"""Reads of orders, already scoped to the acting organization (staff see everything, read-only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tradeshield.ledger.models import AccountKind
from tradeshield.ledger.selectors import account_get
from tradeshield.ledger.services import account_id_for
from tradeshield.orders.errors import OrderNotFound
from tradeshield.orders.models import Order
from tradeshield.organizations.actors import Actor
from tradeshield.payments.models import FUNDED_STATUSES, Payment


def orders_visible_to(actor: Actor) -> QuerySet[Order]:
    queryset = Order.objects.select_related("buyer", "supplier")
    if actor.organization is not None:
        return queryset.filter(Q(buyer=actor.organization) | Q(supplier=actor.organization))
    if actor.is_staff:
        return queryset
    return queryset.none()


def order_get(actor: Actor, order_id: str) -> Order:
    order = orders_visible_to(actor).filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound(_("No such order."))
    return order


def order_list(actor: Actor, *, status: str | None = None, cursor: str | None = None, limit: int = 20) -> list[Order]:
    # Lines and milestones are rendered for every listed order: fetch them in two queries, not 2 per order.
    queryset = orders_visible_to(actor).order_by("-id").prefetch_related("lines", "milestones")
    if status:
        queryset = queryset.filter(status=status)
    if cursor:
        queryset = queryset.filter(id__lt=cursor)
    return list(queryset[:limit])


@dataclass(frozen=True)
class EscrowSummary:
    currency: str
    paid_in: int  # principal received into escrow
    held: int  # earmarked for the supplier, waiting for release
    released: int
    refunded: int
    balance: int  # what the escrow account holds now


def escrow_summary(order: Order) -> EscrowSummary:
    payments = list(Payment.objects.filter(order_id=order.id))
    account = account_get(account_id_for(AccountKind.ESCROW, order.currency, order.id))
    held = account.debits_pending if account else 0
    return EscrowSummary(
        currency=order.currency,
        paid_in=sum(p.amount for p in payments if p.status in FUNDED_STATUSES or p.status in ("released", "refunded")),
        held=held,
        released=sum(p.released_amount for p in payments),
        refunded=sum(p.refunded_amount for p in payments),
        balance=account.balance if account else 0,
    )


def escrow_held_by_currency(actor: Actor) -> dict[str, int]:
    """What is held for suppliers across the actor's orders, per currency, in one query."""
    from django.db.models import Sum

    from tradeshield.ledger.models import Account

    rows = (
        Account.objects.filter(kind=AccountKind.ESCROW, owner_ref__in=orders_visible_to(actor).values("id"))
        .values("currency")
        .annotate(held=Sum("debits_pending"))
        .order_by("currency")
    )
    return {row["currency"]: int(row["held"] or 0) for row in rows if row["held"]}


@dataclass(frozen=True)
class Coverage:
    limit: int  # the supplier's trade-assurance limit, in the order's currency
    covered: int
    not_covered: int


def order_coverage(order: Order) -> Coverage:
    """How much of the order trade assurance protects: up to the supplier's limit, per order."""
    from tradeshield.kit.fx import convert

    limit = convert(order.supplier.coverage_limit_usd, "USD", order.currency)
    covered = min(order.total_amount, limit)
    return Coverage(limit=limit, covered=covered, not_covered=order.total_amount - covered)
