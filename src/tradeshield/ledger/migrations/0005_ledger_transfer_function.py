"""`ledger_transfer()`: one round trip per ledger movement.

The function finds the reason a transfer would be refused before writing anything and returns it
as `outcome` (so a refusal leaves the caller's transaction usable, without a savepoint), then
inserts the transfer with `ON CONFLICT (id) DO NOTHING`. The id is looked up only when the insert
or a pre-check says no, so a retried transfer still returns the first one.

The insert goes through every trigger and constraint of ledger_rules.sql: the function is a faster
path for the Python service, not a way around the rules. Only a race the pre-checks cannot see (a
concurrent overdraft, or a concurrent resolution of the same pending transfer) reaches those
constraints, which then raise as before.

The function is written here, so this migration never changes after the fact; the rules are re-run
from ledger_rules.sql, which stays the one place they are written.
"""

from pathlib import Path

from django.db import migrations

RULES = (Path(__file__).resolve().parent.parent / "ledger_rules.sql").read_text()

SQL = r"""
CREATE OR REPLACE FUNCTION ledger_transfer(
    p_id text,
    p_kind text,
    p_debit text,
    p_credit text,
    p_amount bigint,
    p_currency text,
    p_pending_id text,
    p_expires_at timestamptz,
    p_code text,
    p_ref text,
    p_created_at timestamptz,
    OUT outcome text,
    OUT t_kind text,
    OUT t_debit text,
    OUT t_credit text,
    OUT t_amount bigint,
    OUT t_currency text,
    OUT t_pending_id text,
    OUT t_expires_at timestamptz,
    OUT t_code text,
    OUT t_ref text,
    OUT t_created_at timestamptz
) AS $$
DECLARE
    t ledger_transfer%ROWTYPE;
    held ledger_transfer%ROWTYPE;
    refusal text;
    d_currency text;
    d_guarded boolean;
    d_available bigint;
    c_currency text;
BEGIN
    IF p_kind IN ('post', 'void', 'expire') THEN
        -- A resolution takes its accounts, currency and reference from the pending transfer; void and
        -- expire (and a post without an amount) carry the full pending amount.
        SELECT * INTO held FROM ledger_transfer WHERE id = p_pending_id;
        IF NOT FOUND OR held.kind <> 'pending' THEN
            outcome := 'no_pending';
            RETURN;
        END IF;
        p_debit := held.debit_account_id;
        p_credit := held.credit_account_id;
        p_currency := held.currency;
        p_ref := held.ref;
        IF p_kind <> 'post' OR p_amount IS NULL THEN
            p_amount := held.amount;
        END IF;
        -- The pending transfer's accounts were checked when it was stored, and neither the accounts'
        -- currency nor anything of a transfer ever changes; a resolution never takes more than is held.
        IF EXISTS (SELECT 1 FROM ledger_transfer WHERE pending_id = p_pending_id) THEN
            refusal := 'already_resolved';
        ELSIF p_amount > held.amount THEN
            refusal := 'exceeds_pending';
        END IF;
    ELSIF p_kind NOT IN ('single', 'pending') OR p_pending_id IS NOT NULL THEN
        refusal := 'rejected';
    ELSIF p_debit = p_credit THEN
        refusal := 'same_account';
    ELSE
        SELECT currency, guarded, credits_posted - debits_posted - debits_pending
          INTO d_currency, d_guarded, d_available
          FROM ledger_account WHERE id = p_debit;
        SELECT currency INTO c_currency FROM ledger_account WHERE id = p_credit;
        IF d_currency IS NULL OR c_currency IS NULL THEN
            refusal := 'no_account';
        ELSIF d_currency <> p_currency OR c_currency <> p_currency THEN
            refusal := 'currency_mismatch';
        ELSIF d_guarded AND d_available < p_amount THEN
            refusal := 'insufficient_funds';
        END IF;
    END IF;

    IF refusal IS NULL THEN
        INSERT INTO ledger_transfer (id, kind, debit_account_id, credit_account_id, amount, currency,
                                     pending_id, expires_at, code, ref, created_at)
        VALUES (p_id, p_kind, p_debit, p_credit, p_amount, p_currency, p_pending_id,
                CASE WHEN p_kind = 'pending' THEN p_expires_at END, p_code, coalesce(p_ref, ''), p_created_at)
        ON CONFLICT (id) DO NOTHING
        RETURNING * INTO t;
        IF FOUND THEN
            outcome := 'created';
        END IF;
    END IF;
    IF outcome IS NULL THEN
        -- Refused, or the id is taken. Idempotency comes first: the same transfer again returns the
        -- first one (even if it could not be made now), another one under its id is refused.
        SELECT * INTO t FROM ledger_transfer WHERE id = p_id;
        IF NOT FOUND THEN
            outcome := refusal;
            RETURN;
        END IF;
        outcome := CASE
            WHEN (t.kind, t.debit_account_id, t.credit_account_id, t.amount, t.currency)
                 = (p_kind, p_debit, p_credit, p_amount, p_currency)
             AND t.pending_id IS NOT DISTINCT FROM p_pending_id THEN 'existing'
            ELSE 'id_reused' END;
    END IF;
    IF outcome IN ('created', 'existing') THEN
        t_kind := t.kind;
        t_debit := t.debit_account_id;
        t_credit := t.credit_account_id;
        t_amount := t.amount;
        t_currency := t.currency;
        t_pending_id := t.pending_id;
        t_expires_at := t.expires_at;
        t_code := t.code;
        t_ref := t.ref;
        t_created_at := t.created_at;
    END IF;
END;
$$ LANGUAGE plpgsql;
"""

REVERSE = """
DROP FUNCTION IF EXISTS ledger_transfer(text, text, text, text, bigint, text, text, timestamptz, text, text,
                                        timestamptz);
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_alter_account_kind")]
    operations = [
        # ledger_rules.sql now updates the accounts from the trigger itself rather than through a
        # helper function (same statements, same id order, two fewer function calls per transfer).
        migrations.RunSQL(RULES, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(
            "DROP FUNCTION IF EXISTS ledger_apply_to_account(text, bigint, bigint, bigint, bigint);",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RunSQL(SQL, reverse_sql=REVERSE),
    ]
