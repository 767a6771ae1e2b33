"""Reads of the ledger."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from tradeshield.ledger.models import Account, Transfer


@dataclass(frozen=True)
class CurrencyTotals:
    currency: str
    posted_sum: int  # sum over accounts of credits_posted - debits_posted (Account.totals()): must be 0
    pending_sum: int  # same for pending: must be 0
    recomputed_matches: bool  # account totals equal what the transfers say


def account_transfers(account_id: str) -> QuerySet[Transfer]:
    from django.db.models import Q

    return Transfer.objects.filter(Q(debit_account_id=account_id) | Q(credit_account_id=account_id)).order_by(
        "created_at", "id"
    )


def account_get(account_id: str) -> Account | None:
    return Account.objects.filter(id=account_id).first()


def pending_is_resolved(pending_id: str) -> bool:
    return Transfer.objects.filter(pending_id=pending_id).exists()


def ledger_check() -> list[CurrencyTotals]:
    """Audit: the books balance per currency, and stored totals match a recomputation from transfers.

    A guarded account's stored totals must equal its transfers; an unguarded account stores none
    (they must be zero) and counts towards the balance with its transfers' sum."""
    with connection.cursor() as cur:
        cur.execute(
            """
            WITH moves AS (
                SELECT t.debit_account_id AS account_id,
                       CASE WHEN t.kind = 'pending' THEN t.amount
                            WHEN t.kind IN ('post','void','expire') THEN -p.amount ELSE 0 END AS d_pending,
                       CASE WHEN t.kind IN ('single','post') THEN t.amount ELSE 0 END AS d_posted,
                       0::bigint AS c_pending, 0::bigint AS c_posted
                  FROM ledger_transfer t LEFT JOIN ledger_transfer p ON p.id = t.pending_id
                UNION ALL
                SELECT t.credit_account_id, 0, 0,
                       CASE WHEN t.kind = 'pending' THEN t.amount
                            WHEN t.kind IN ('post','void','expire') THEN -p.amount ELSE 0 END,
                       CASE WHEN t.kind IN ('single','post') THEN t.amount ELSE 0 END
                  FROM ledger_transfer t LEFT JOIN ledger_transfer p ON p.id = t.pending_id
            ), recomputed AS (
                SELECT account_id, sum(d_pending) dp, sum(d_posted) dpo, sum(c_pending) cp, sum(c_posted) cpo
                  FROM moves GROUP BY account_id
            )
            SELECT a.currency,
                   coalesce(sum(CASE WHEN a.guarded THEN a.credits_posted - a.debits_posted
                                     ELSE coalesce(r.cpo, 0) - coalesce(r.dpo, 0) END), 0),
                   coalesce(sum(CASE WHEN a.guarded THEN a.credits_pending - a.debits_pending
                                     ELSE coalesce(r.cp, 0) - coalesce(r.dp, 0) END), 0),
                   bool_and(CASE WHEN a.guarded
                                 THEN coalesce(r.dp, 0) = a.debits_pending AND coalesce(r.dpo, 0) = a.debits_posted
                                      AND coalesce(r.cp, 0) = a.credits_pending
                                      AND coalesce(r.cpo, 0) = a.credits_posted
                                 ELSE (a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted)
                                      = (0, 0, 0, 0) END)
              FROM ledger_account a LEFT JOIN recomputed r ON r.account_id = a.id
             GROUP BY a.currency ORDER BY a.currency
            """
        )
        return [CurrencyTotals(c, int(p), int(pe), bool(ok)) for c, p, pe, ok in cur.fetchall()]
