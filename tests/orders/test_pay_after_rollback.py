"""A card payment moves its money in one ledger batch (fund, fee, hold): accounts its process cached from a
transaction that rolled back are created again, all of them, not only the first the batch trips on."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.helpers import assert_books_balance
from tests.orders.common import CARD, confirmed_order
from tradeshield.ledger.models import Account, Transfer
from tradeshield.orders import paying
from tradeshield.organizations.actors import actor_for_user
from tradeshield.payments.models import Payment, PaymentEvent


@pytest.mark.django_db
def test_a_payment_rolled_back_after_its_ledger_batch_can_be_made_again(buyer, supplier):
    buyer_actor, supplier_actor = actor_for_user(buyer.user), actor_for_user(supplier.user)
    order = confirmed_order(buyer_actor, supplier_actor)

    with transaction.atomic():  # the first attempt creates (and caches) every account, then rolls back
        paying.order_pay(actor=buyer_actor, order_id=order.id, method="card", card=CARD)
        transaction.set_rollback(True)
    assert not Account.objects.exists() and not Payment.objects.exists()

    payment = paying.order_pay(actor=buyer_actor, order_id=order.id, method="card", card=CARD)

    assert payment.status == "held"
    assert sorted(Transfer.objects.filter(ref=payment.id).values_list("id", flat=True)) == sorted(
        [f"fund:{payment.id}", f"fee:{payment.id}", f"hold:{payment.id}:1"]
    )
    escrow = Account.objects.get(id=f"escrow:{order.id}:USD")
    assert (escrow.balance, escrow.available) == (payment.amount, 0)  # funded, and all of it held
    assert list(PaymentEvent.objects.filter(payment=payment).order_by("id").values_list("kind", flat=True)) == [
        "initiated",
        "authorized",
        "captured",
        "held_in_escrow",
    ]
    assert_books_balance()
