"""Unguarded accounts keep no running totals (see ledger_rules.sql, section 3): their stored totals
become zero and stay zero, and their balance is summed from their transfers when read. The rules are
re-run from ledger_rules.sql; the reverse puts back the trigger that updates every account and
recomputes the unguarded accounts' totals from their transfers.
"""

from pathlib import Path

from django.db import migrations

RULES = (Path(__file__).resolve().parent.parent / "ledger_rules.sql").read_text()

# The totals guard refuses any change of totals outside the transfer trigger; these one-off
# rewrites of stored totals happen with it switched off, inside the migration's transaction.
ZERO_UNGUARDED = """
ALTER TABLE ledger_account DISABLE TRIGGER ledger_account_totals_guard;
UPDATE ledger_account SET debits_pending = 0, debits_posted = 0, credits_pending = 0, credits_posted = 0
 WHERE NOT guarded;
ALTER TABLE ledger_account ENABLE TRIGGER ledger_account_totals_guard;
"""

PREVIOUS_APPLY = """
CREATE OR REPLACE FUNCTION ledger_transfer_apply() RETURNS trigger AS $$
DECLARE
    held bigint := 0;
    pending_add bigint := 0;
    posted_add bigint := 0;
BEGIN
    IF NEW.kind = 'single' THEN
        posted_add := NEW.amount;
    ELSIF NEW.kind = 'pending' THEN
        pending_add := NEW.amount;
    ELSE
        SELECT amount INTO held FROM ledger_transfer WHERE id = NEW.pending_id;
        IF NEW.kind = 'post' THEN
            posted_add := NEW.amount;
        END IF;
    END IF;
    IF NEW.debit_account_id < NEW.credit_account_id THEN
        UPDATE ledger_account SET debits_pending = debits_pending + pending_add - held,
                                  debits_posted = debits_posted + posted_add
         WHERE id = NEW.debit_account_id;
        UPDATE ledger_account SET credits_pending = credits_pending + pending_add - held,
                                  credits_posted = credits_posted + posted_add
         WHERE id = NEW.credit_account_id;
    ELSE
        UPDATE ledger_account SET credits_pending = credits_pending + pending_add - held,
                                  credits_posted = credits_posted + posted_add
         WHERE id = NEW.credit_account_id;
        UPDATE ledger_account SET debits_pending = debits_pending + pending_add - held,
                                  debits_posted = debits_posted + posted_add
         WHERE id = NEW.debit_account_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

RECOMPUTE_UNGUARDED = """
ALTER TABLE ledger_account DISABLE TRIGGER ledger_account_totals_guard;
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
UPDATE ledger_account a SET debits_pending = r.dp, debits_posted = r.dpo, credits_pending = r.cp,
                            credits_posted = r.cpo
  FROM recomputed r WHERE r.account_id = a.id AND NOT a.guarded;
ALTER TABLE ledger_account ENABLE TRIGGER ledger_account_totals_guard;
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_ledger_transfer_function")]
    operations = [
        migrations.RunSQL(RULES, reverse_sql=PREVIOUS_APPLY),
        migrations.RunSQL(ZERO_UNGUARDED, reverse_sql=RECOMPUTE_UNGUARDED),
    ]
