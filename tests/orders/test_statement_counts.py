"""How many SQL statements paying by card, shipping and confirming receipt take, pinned.

These three run on every order (`make bench` measures them over HTTP), and each statement is a round trip
inside the order's lock. The counts are of the service calls alone (no authentication, idempotency or
rendering), in steady state: a first order has already gone through, so the platform's ledger accounts
are cached and the supplier's credit refresh is already queued, as in a running server. Inside the test's
transaction each service's own transaction is a savepoint (`SAVEPOINT` and `RELEASE`, counted).

A count that goes up is a regression to explain; one that goes down is a saving: pin the new number.
The failure message lists every statement.
"""

from __future__ import annotations

import pytest

from tests.helpers import assert_books_balance
from tests.orders.common import CARD, confirmed_order
from tradeshield.ledger.models import Transfer
from tradeshield.orders import paying
from tradeshield.orders.models import Order
from tradeshield.organizations.actors import Actor, actor_for_user
from tradeshield.payments.models import Payment
from tradeshield.shipments import services as shipping

# (Each notification job is one insert without a savepoint; a credit refresh already queued is one read.)
# Card payment: lock the order and its milestones, risk assessment, method offer and fee rule, payment,
# the order's escrow account, one ledger batch (fund, fee, hold), the payment's new status, its four
# events in one insert, two order events (each with its notification job), milestone, order status.
PAY_STATEMENTS = 18
# Mark as shipped: lock, order lines with what is shipped of them, shipment, its line, `shipment.created`
# event and job, the pick-up event, the shipment's derived fields, the order's shipments, order status,
# `order.shipped` event and job, the supplier's credit refresh (already queued).
SHIP_STATEMENTS = 15
# Confirm receipt: lock, open dispute?, order status, `order.completed` event and jobs, the funded
# payments, their holds, reserve row, one ledger batch (release, reserve), payment status, payment events
# in one insert, milestones, `escrow.released` event and job.
RECEIPT_STATEMENTS = 17


def _pay(buyer: Actor, order: Order) -> None:
    payment = paying.order_pay(actor=buyer, order_id=order.id, method="card", card=CARD, idempotency_key=order.id)
    assert payment.status == "held"


def _ship(supplier: Actor, order: Order) -> None:
    shipped = shipping.order_ship(actor=supplier, order_id=order.id, carrier="COSCO", tracking_number="C1")
    assert shipped.status == "shipped"


def _receive(buyer: Actor, order: Order) -> None:
    assert paying.order_confirm_receipt(actor=buyer, order_id=order.id).status == "completed"


@pytest.fixture
def actors(buyer, supplier) -> tuple[Actor, Actor]:
    buyer_actor, supplier_actor = actor_for_user(buyer.user), actor_for_user(supplier.user)
    first = confirmed_order(buyer_actor, supplier_actor)  # warms the caches, as a running server has them
    _pay(buyer_actor, first)
    _ship(supplier_actor, first)
    _receive(buyer_actor, first)
    return buyer_actor, supplier_actor


def test_pay_ship_and_confirm_receipt_take_their_pinned_statement_counts(actors, django_assert_num_queries):
    buyer, supplier = actors
    order = confirmed_order(buyer, supplier)
    with django_assert_num_queries(PAY_STATEMENTS):
        _pay(buyer, order)
    with django_assert_num_queries(SHIP_STATEMENTS):
        _ship(supplier, order)
    with django_assert_num_queries(RECEIPT_STATEMENTS):
        _receive(buyer, order)

    # What the fewer statements still write: every event, one hold and one release, books that balance.
    payment = Payment.objects.get(order_id=order.id)
    kinds = list(payment.events.order_by("id").values_list("kind", flat=True))
    assert kinds == ["initiated", "authorized", "captured", "held_in_escrow", "released", "reserve_held"]
    order_events = list(order.events.order_by("id").values_list("kind", flat=True))
    assert order_events[-6:] == [
        "payment.initiated",
        "order.paid",
        "shipment.created",
        "order.shipped",
        "order.completed",
        "escrow.released",
    ]
    holds = Transfer.objects.filter(code="escrow_hold", ref=payment.id)
    assert list(holds.values_list("id", flat=True)) == [f"hold:{payment.id}:1"]
    assert Transfer.objects.filter(code="escrow_release", pending_id=f"hold:{payment.id}:1").count() == 1
    assert_books_balance()
