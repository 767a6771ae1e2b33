"""The ledger's invariants hold in PostgreSQL itself, not only in the Python service."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from tests.helpers import assert_books_balance, ledger_snapshot

from tradeshield.kit.money import InvalidAmount
from tradeshield.ledger import services as ledger
from tradeshield.ledger.errors import InsufficientFunds, PendingAlreadyResolved, TransferIdReused, TransferRejected
from tradeshield.ledger.models import Account, AccountKind, Transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts():
    funding = ledger.account_ensure(kind=AccountKind.BUYER_FUNDING, currency="USD")
    escrow = ledger.account_ensure(kind=AccountKind.ESCROW, currency="USD", owner_ref="ord_1")
    supplier = ledger.account_ensure(kind=AccountKind.SUPPLIER_AVAILABLE, currency="USD", owner_ref="org_s")
    return funding, escrow, supplier


def test_two_phase_post_partial_returns_the_rest(accounts):
    funding, escrow, supplier = accounts
    ledger.transfer_create(id="t1", debit=funding, credit=escrow, amount=10_000, code="fund")
    ledger.transfer_create(id="h1", debit=escrow, credit=supplier, amount=10_000, code="hold", pending=True)
    escrow.refresh_from_db()
    assert (escrow.balance, escrow.debits_pending, escrow.available) == (10_000, 10_000, 0)
    ledger.transfer_post(id="p1", pending_id="h1", amount=7_500)
    escrow.refresh_from_db()
    supplier.refresh_from_db()
    assert (escrow.balance, escrow.debits_pending, escrow.available) == (2_500, 0, 2_500)
    assert (supplier.balance, supplier.credits_pending) == (7_500, 0)
    assert_books_balance()


def test_a_pending_transfer_resolves_exactly_once(accounts):
    funding, escrow, supplier = accounts
    ledger.transfer_create(id="t1", debit=funding, credit=escrow, amount=500, code="fund")
    ledger.transfer_create(id="h1", debit=escrow, credit=supplier, amount=500, code="hold", pending=True)
    ledger.transfer_void(id="v1", pending_id="h1")
    before = ledger_snapshot()
    with pytest.raises(PendingAlreadyResolved):
        ledger.transfer_post(id="p1", pending_id="h1")
    with pytest.raises(PendingAlreadyResolved):
        ledger.transfer_void(id="v2", pending_id="h1")
    assert ledger_snapshot() == before


def test_posting_more_than_pending_is_refused(accounts):
    funding, escrow, supplier = accounts
    ledger.transfer_create(id="t1", debit=funding, credit=escrow, amount=500, code="fund")
    ledger.transfer_create(id="h1", debit=escrow, credit=supplier, amount=400, code="hold", pending=True)
    with pytest.raises(TransferRejected):
        ledger.transfer_post(id="p1", pending_id="h1", amount=401)
    assert not Transfer.objects.filter(pending_id="h1").exists()


def test_guarded_accounts_never_go_negative(accounts):
    funding, escrow, supplier = accounts
    ledger.transfer_create(id="t1", debit=funding, credit=escrow, amount=100, code="fund")
    before = ledger_snapshot()
    with pytest.raises(InsufficientFunds):
        ledger.transfer_create(id="t2", debit=escrow, credit=supplier, amount=101, code="overdraw")
    # pending debits count too: 60 held leaves 40 to spend
    ledger.transfer_create(id="h1", debit=escrow, credit=supplier, amount=60, code="hold", pending=True)
    with pytest.raises(InsufficientFunds):
        ledger.transfer_create(id="t3", debit=escrow, credit=supplier, amount=41, code="overdraw")
    assert ledger_snapshot()[escrow.id][1] == before[escrow.id][1]


def test_same_id_is_idempotent_and_a_reused_id_is_refused(accounts):
    funding, escrow, _ = accounts
    first = ledger.transfer_create(id="t1", debit=funding, credit=escrow, amount=100, code="fund")
    again = ledger.transfer_create(id="t1", debit=funding, credit=escrow, amount=100, code="fund")
    assert again.pk == first.pk and Transfer.objects.count() == 1
    with pytest.raises(TransferIdReused):
        ledger.transfer_create(id="t1", debit=funding, credit=escrow, amount=999, code="fund")
    escrow.refresh_from_db()
    assert escrow.balance == 100


@pytest.mark.parametrize("amount", [0, -5, 10**15 + 1])
def test_amount_must_be_positive_and_bounded(accounts, amount):
    funding, escrow, _ = accounts
    with pytest.raises(InvalidAmount):
        ledger.transfer_create(id="bad", debit=funding, credit=escrow, amount=amount, code="fund")


def test_database_refuses_what_python_would_also_refuse(accounts):
    funding, escrow, _ = accounts
    eur = ledger.account_ensure(kind=AccountKind.ESCROW, currency="EUR", owner_ref="ord_2")
    ledger.transfer_create(id="t1", debit=funding, credit=escrow, amount=100, code="fund")
    cases = [
        "INSERT INTO ledger_transfer (id, kind, debit_account_id, credit_account_id, amount, currency, code, ref, "
        f"created_at) VALUES ('x1', 'single', '{funding.id}', '{escrow.id}', -1, 'USD', 'c', '', now())",
        "INSERT INTO ledger_transfer (id, kind, debit_account_id, credit_account_id, amount, currency, code, ref, "
        f"created_at) VALUES ('x2', 'single', '{funding.id}', '{eur.id}', 1, 'USD', 'c', '', now())",
        "UPDATE ledger_transfer SET amount = 1 WHERE id = 't1'",
        "DELETE FROM ledger_transfer WHERE id = 't1'",
        f"UPDATE ledger_account SET credits_posted = credits_posted + 1 WHERE id = '{escrow.id}'",
    ]
    for sql in cases:
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    escrow.refresh_from_db()
    assert escrow.balance == 100
    assert Account.objects.get(id=escrow.id).credits_posted == 100
    assert_books_balance()
