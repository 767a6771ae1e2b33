"""`ledger_transfer()` (migration 0005): every rule still holds, a refusal writes nothing and leaves the
caller's transaction usable, and a movement is one statement."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from tests.helpers import assert_books_balance, ledger_snapshot

from tradeshield.ledger import services as ledger
from tradeshield.ledger.errors import InsufficientFunds, PendingAlreadyResolved, TransferIdReused, TransferRejected
from tradeshield.ledger.models import Account, AccountKind, Transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts():
    funding = ledger.account_ensure(kind=AccountKind.BUYER_FUNDING, currency="USD")
    escrow = ledger.account_ensure(kind=AccountKind.ESCROW, currency="USD", owner_ref="ord_1")
    supplier = ledger.account_ensure(kind=AccountKind.SUPPLIER_AVAILABLE, currency="USD", owner_ref="org_s")
    ledger.transfer_create(id="fund", debit=funding, credit=escrow, amount=1_000, code="fund")
    ledger.transfer_create(id="hold", debit=escrow, credit=supplier, amount=400, code="hold", pending=True)
    return funding, escrow, supplier


def _refused(call, error):
    """`call` raises `error`, writes nothing, and the transaction goes on without a savepoint."""
    before, count = ledger_snapshot(), Transfer.objects.count()
    with pytest.raises(error):
        call()
    assert ledger_snapshot() == before and Transfer.objects.count() == count


def test_each_rule_is_refused_with_its_domain_error(accounts):
    funding, escrow, supplier = accounts
    eur = ledger.account_ensure(kind=AccountKind.ESCROW, currency="EUR", owner_ref="ord_2")
    single = ledger.transfer_create
    cases = [
        (lambda: single(id="x", debit=escrow, credit=escrow, amount=1, code="c"), TransferRejected),
        (lambda: single(id="x", debit=funding, credit=eur, amount=1, code="c"), TransferRejected),
        (lambda: single(id="x", debit=escrow, credit=supplier, amount=601, code="c"), InsufficientFunds),
        (lambda: single(id="x", debit=escrow, credit=supplier, amount=601, code="c", pending=True), InsufficientFunds),
        (lambda: single(id="fund", debit=funding, credit=escrow, amount=999, code="fund"), TransferIdReused),
        (lambda: single(id="fund", debit=funding, credit=supplier, amount=1_000, code="fund"), TransferIdReused),
        (lambda: ledger.transfer_post(id="x", pending_id="nope"), TransferRejected),
        (lambda: ledger.transfer_post(id="x", pending_id="fund"), TransferRejected),  # not pending
        (lambda: ledger.transfer_post(id="x", pending_id="hold", amount=401), TransferRejected),
        (lambda: ledger.transfer_void(id="fund", pending_id="hold"), TransferIdReused),
    ]
    for call, error in cases:
        _refused(call, error)
    ledger.transfer_post(id="post", pending_id="hold", amount=300)
    _refused(lambda: ledger.transfer_void(id="void", pending_id="hold"), PendingAlreadyResolved)
    _refused(lambda: ledger.transfer_post(id="post", pending_id="hold", amount=299), TransferIdReused)
    assert_books_balance()


def test_a_retried_transfer_returns_the_first_one(accounts):
    _, escrow, supplier = accounts
    first = ledger.transfer_post(id="post", pending_id="hold", amount=300)
    again = ledger.transfer_post(id="post", pending_id="hold", amount=300)
    hold = ledger.transfer_create(id="hold", debit=escrow, credit=supplier, amount=400, code="hold", pending=True)
    assert (again.pk, again.amount, again.created_at, again.ref) == (first.pk, 300, first.created_at, first.ref)
    assert (hold.kind, hold.pending_id, hold.amount) == ("pending", None, 400)
    escrow.refresh_from_db()
    assert (escrow.balance, escrow.debits_pending, escrow.available) == (700, 0, 700)
    assert Transfer.objects.count() == 3


def test_the_database_still_enforces_what_the_function_pre_checks(accounts):
    """Calling the function directly with what Python would never send: the constraints refuse it."""
    funding, escrow, _ = accounts
    now = timezone.now()
    for amount in (0, -1):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                "SELECT * FROM ledger_transfer('y', 'single', %s, %s, %s, 'USD', NULL, NULL, 'c', '', %s)",
                [funding.id, escrow.id, amount, now],
            )
    with connection.cursor() as cur:
        # A resolution always uses its pending transfer's accounts, whatever the caller names.
        cur.execute(
            "SELECT outcome, t_debit, t_credit FROM ledger_transfer("
            "'v', 'void', %s, %s, 1, 'USD', 'hold', NULL, 'c', '', %s)",
            [funding.id, escrow.id, now],
        )
        assert cur.fetchone() == ("created", escrow.id, "supplier_available:org_s:USD")
        cur.execute(
            "SELECT outcome FROM ledger_transfer('z', 'single', %s, %s, 1, 'USD', 'hold', NULL, 'c', '', %s)",
            [funding.id, escrow.id, now],
        )
        assert cur.fetchone() == ("rejected",)
    assert_books_balance()


def test_a_cached_account_whose_creation_rolled_back_is_created_again():
    funding = ledger.account_ensure(kind=AccountKind.BUYER_FUNDING, currency="JPY")
    with transaction.atomic():
        escrow = ledger.account_ensure(kind=AccountKind.ESCROW, currency="JPY", owner_ref="gone")
        transaction.set_rollback(True)
    assert not Account.objects.filter(id=escrow.id).exists()
    again = ledger.account_ensure(kind=AccountKind.ESCROW, currency="JPY", owner_ref="gone")
    ledger.transfer_create(id="j1", debit=funding, credit=again, amount=5, code="fund")
    assert Account.objects.get(id=escrow.id).balance == 5
    assert_books_balance()


@pytest.mark.usefixtures("accounts")
def test_cached_accounts_and_one_statement_per_movement(django_assert_num_queries):
    with django_assert_num_queries(3):
        escrow = ledger.account_ensure(kind=AccountKind.ESCROW, currency="USD", owner_ref="ord_1")
        supplier = ledger.account_ensure(kind=AccountKind.SUPPLIER_AVAILABLE, currency="USD", owner_ref="org_s")
        hold = ledger.transfer_create(id="h2", debit=escrow, credit=supplier, amount=100, code="hold", pending=True)
        ledger.transfer_post(id="p2", pending_id=hold.id)
        ledger.transfer_void(id="v2", pending_id="hold")
    with django_assert_num_queries(1):
        escrow.refresh_from_db(fields=["credits_posted"])  # a deferred total loads all four
        assert (escrow.credits_posted, escrow.debits_posted, escrow.debits_pending) == (1_000, 100, 0)
    assert_books_balance()
