"""Assertions about money that many tests share."""

from __future__ import annotations

from tradeshield.ledger.models import Account
from tradeshield.ledger.selectors import ledger_check


def balance(account_id: str) -> int:
    account = Account.objects.filter(id=account_id).first()
    return account.balance if account else 0


def pending_debits(account_id: str) -> int:
    account = Account.objects.filter(id=account_id).first()
    return account.totals()[0] if account else 0


def assert_books_balance() -> None:
    for totals in ledger_check():
        assert totals.posted_sum == 0, totals
        assert totals.pending_sum == 0, totals
        assert totals.recomputed_matches, totals


def ledger_snapshot() -> dict[str, tuple[int, int, int, int]]:
    return {a.id: a.totals() for a in Account.objects.all()}


def supplier_funds(account_id: str) -> int:
    """A supplier's released money: what is available plus what the rolling reserve holds back."""
    return balance(account_id) + balance(account_id.replace("supplier_available:", "supplier_reserve:", 1))
