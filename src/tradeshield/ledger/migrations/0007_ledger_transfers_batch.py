"""`ledger_transfers()`: a batch of movements in one round trip, all or none.

Each element goes through `ledger_transfer()` (migration 0005), in order, so a batch may hold a
pending transfer and its resolution. The loop runs in a block with an exception handler, which
PostgreSQL runs as a subtransaction: when an element is refused, the block's writes are undone and
the function returns one row naming the element and the reason, so the caller's transaction stays
usable, as with a single refusal. The results are gathered in an array and returned only when every
element was accepted, because rows already returned from a set-returning function are not undone.
"""

from django.db import migrations

SQL = r"""
CREATE TYPE ledger_transfer_result AS (
    position integer,
    outcome text,
    t_kind text,
    t_debit text,
    t_credit text,
    t_amount bigint,
    t_currency text,
    t_pending_id text,
    t_expires_at timestamptz,
    t_code text,
    t_ref text,
    t_created_at timestamptz
);

CREATE OR REPLACE FUNCTION ledger_transfers(
    p_ids text[],
    p_kinds text[],
    p_debits text[],
    p_credits text[],
    p_amounts bigint[],
    p_currencies text[],
    p_pending_ids text[],
    p_expires_at timestamptz[],
    p_codes text[],
    p_refs text[],
    p_created_at timestamptz
) RETURNS SETOF ledger_transfer_result AS $$
DECLARE
    r record;
    results ledger_transfer_result[] := '{}';
    refused ledger_transfer_result;
BEGIN
    BEGIN
        FOR i IN 1 .. coalesce(cardinality(p_ids), 0) LOOP
            SELECT * INTO r FROM ledger_transfer(
                p_ids[i], p_kinds[i], p_debits[i], p_credits[i], p_amounts[i], p_currencies[i],
                p_pending_ids[i], p_expires_at[i], p_codes[i], p_refs[i], p_created_at);
            IF r.outcome NOT IN ('created', 'existing') THEN
                refused.position := i;
                refused.outcome := r.outcome;
                RAISE EXCEPTION 'ledger batch element % refused: %', i, r.outcome USING ERRCODE = 'LB001';
            END IF;
            results := results || ROW(i, r.outcome, r.t_kind, r.t_debit, r.t_credit, r.t_amount, r.t_currency,
                                      r.t_pending_id, r.t_expires_at, r.t_code, r.t_ref,
                                      r.t_created_at)::ledger_transfer_result;
        END LOOP;
    EXCEPTION WHEN SQLSTATE 'LB001' THEN
        RETURN NEXT refused;
        RETURN;
    END;
    RETURN QUERY SELECT * FROM unnest(results);
END;
$$ LANGUAGE plpgsql;
"""

REVERSE = """
DROP FUNCTION IF EXISTS ledger_transfers(text[], text[], text[], text[], bigint[], text[], text[], timestamptz[],
                                         text[], text[], timestamptz);
DROP TYPE IF EXISTS ledger_transfer_result;
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_unguarded_accounts_keep_no_totals")]
    operations = [migrations.RunSQL(SQL, reverse_sql=REVERSE)]
