"""Property test: after any sequence of ledger operations the books balance.

Every currency sums to zero (posted and pending), stored totals equal a recomputation from the
transfers, no guarded account is negative, and each pending transfer is resolved at most once.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.helpers import assert_books_balance

from tradeshield.kit.errors import DomainError
from tradeshield.ledger import services as ledger
from tradeshield.ledger.models import Account, AccountKind, Transfer

pytestmark = pytest.mark.django_db

ACCOUNTS = [
    (AccountKind.BUYER_FUNDING, ""),
    (AccountKind.ESCROW, "o1"),
    (AccountKind.ESCROW, "o2"),
    (AccountKind.SUPPLIER_AVAILABLE, "s1"),
    (AccountKind.PLATFORM_FEES, ""),
    (AccountKind.REFUNDS, ""),
]
CURRENCIES = ["USD", "JPY", "KWD"]

operation = st.one_of(
    st.tuples(
        st.just("single"), st.integers(0, 5), st.integers(0, 5), st.integers(1, 5_000), st.sampled_from(CURRENCIES)
    ),
    st.tuples(
        st.just("pending"), st.integers(0, 5), st.integers(0, 5), st.integers(1, 5_000), st.sampled_from(CURRENCIES)
    ),
    st.tuples(st.just("post"), st.integers(0, 40), st.integers(0, 5_000)),
    st.tuples(st.just("void"), st.integers(0, 40)),
    st.tuples(st.just("expire"), st.integers(0, 40)),
)


def _apply(op: tuple, index: int, pendings: list[str]) -> None:
    kind = op[0]
    if kind in ("single", "pending"):
        _, debit, credit, amount, currency = op
        if debit == credit:
            return
        accounts = [ledger.account_ensure(kind=k, currency=currency, owner_ref=o) for k, o in ACCOUNTS]
        transfer = ledger.transfer_create(
            id=f"op{index}",
            debit=accounts[debit],
            credit=accounts[credit],
            amount=amount,
            code=kind,
            pending=kind == "pending",
        )
        if kind == "pending":
            pendings.append(transfer.id)
        return
    if not pendings:
        return
    target = pendings[op[1] % len(pendings)]
    if kind == "post":
        ledger.transfer_post(id=f"op{index}", pending_id=target, amount=op[2] or None)
    elif kind == "void":
        ledger.transfer_void(id=f"op{index}", pending_id=target)
    else:
        ledger.transfer_expire(id=f"op{index}", pending_id=target)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operation, min_size=1, max_size=40))
def test_books_balance_after_any_sequence(ops):
    with transaction.atomic():
        pendings: list[str] = []
        refused = 0
        for index, op in enumerate(ops):
            try:
                with transaction.atomic():
                    _apply(op, index, pendings)
            except DomainError:
                refused += 1
        assert_books_balance()
        for account in Account.objects.filter(guarded=True):
            assert account.credits_posted - account.debits_posted - account.debits_pending >= 0, account.id
        assert not Transfer.objects.exclude(pending=None).values("pending").annotate(n=Count("id")).filter(n__gt=1)
        assert Transfer.objects.count() <= len(ops) - refused
        transaction.set_rollback(True)
