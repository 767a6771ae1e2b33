"""A batch of movements checked in memory and stored with one INSERT; accounts updated once per statement.

`ledger_rules.sql` section 3 now applies the transfers a statement stored to the guarded accounts
once per statement (a statement-level trigger over the transition table), instead of once per row:
a batch of twenty movements between the same two accounts used to update each account row twenty
times in one transaction, and every later update and read walked the growing chain of row versions.

`ledger_transfers()` no longer calls `ledger_transfer()` per element. It reads the stored pending
transfers the batch resolves, locks the guarded accounts it moves in id order (the order the trigger
updates them in), then reads the transfers already stored under its ids, which of its pending
transfers are already resolved, and its accounts. It checks the elements in order in memory with the
same rules and outcomes as `ledger_transfer()`, keeping each guarded account's available balance as
the earlier elements leave it. A refused element returns its row before anything is written.
Otherwise the new transfers are stored by one ordered INSERT, through every trigger and constraint.
Because the guarded accounts are locked before they are read, a concurrent transaction cannot
overdraw them between the check and the INSERT; a concurrent resolution of the same pending transfer
still reaches the unique constraint, as before. If a concurrent transaction stored one of the batch's
ids in between, the INSERT's subtransaction is undone and the function looks again.

The function is written here, so this migration never changes after the fact; the rules are re-run
from ledger_rules.sql. The reverse restores the function of migration 0007 and the row-level trigger
of migration 0006.
"""

from importlib import import_module
from pathlib import Path

from django.db import migrations

RULES = (Path(__file__).resolve().parent.parent / "ledger_rules.sql").read_text()

SQL = r"""
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
    n integer := coalesce(cardinality(p_ids), 0);
    -- What each element stores: a resolution takes accounts, currency, reference and (for a void, an
    -- expiry or a post without an amount) the amount from its pending transfer.
    v_debit text[] := p_debits;
    v_credit text[] := p_credits;
    v_amount bigint[] := p_amounts;
    v_currency text[] := p_currencies;
    v_ref text[] := p_refs;
    fresh boolean[];              -- stored by this call
    results ledger_transfer_result[];
    held ledger_transfer[];       -- stored pending transfers the batch resolves
    held_ids text[];
    stored ledger_transfer[];     -- transfers already stored under one of the batch's ids
    stored_ids text[];
    resolved text[];              -- pending transfers resolved before this call
    acc_ids text[];
    acc_currency text[];
    acc_guarded boolean[];
    acc_available bigint[];
    h ledger_transfer;
    t ledger_transfer;
    i integer;
    j integer;
    da integer;
    ca integer;
    held_amount bigint;
    refusal text;
    outcome text;
    inserted integer;
BEGIN
    IF n = 0 THEN
        RETURN;
    END IF;
    fresh := array_fill(false, ARRAY[n]);
    -- A stored transfer never changes, so the pending transfers may be read before the locks.
    SELECT coalesce(array_agg(x), '{}'), coalesce(array_agg(x.id), '{}') INTO held, held_ids
      FROM ledger_transfer x WHERE x.id = ANY(p_pending_ids) AND x.kind = 'pending';
    -- The guarded accounts the batch moves, locked in id order like the trigger updates them; each
    -- statement below sees them as the last transaction that held them left them, and no other
    -- transaction changes them before the INSERT.
    PERFORM 1 FROM ledger_account a
      WHERE a.id = ANY(p_debits || p_credits || ARRAY(SELECT x.debit_account_id FROM unnest(held) x)
                       || ARRAY(SELECT x.credit_account_id FROM unnest(held) x))
        AND a.guarded
      ORDER BY a.id
        FOR NO KEY UPDATE;
    SELECT coalesce(array_agg(x), '{}'), coalesce(array_agg(x.id), '{}') INTO stored, stored_ids
      FROM ledger_transfer x WHERE x.id = ANY(p_ids);
    SELECT coalesce(array_agg(x.pending_id), '{}') INTO resolved
      FROM ledger_transfer x WHERE x.pending_id = ANY(p_pending_ids);
    SELECT coalesce(array_agg(a.id), '{}'), array_agg(a.currency), array_agg(a.guarded),
           array_agg(a.credits_posted - a.debits_posted - a.debits_pending)
      INTO acc_ids, acc_currency, acc_guarded, acc_available
      FROM ledger_account a
     WHERE a.id = ANY(p_debits || p_credits || ARRAY(SELECT x.debit_account_id FROM unnest(held) x)
                      || ARRAY(SELECT x.credit_account_id FROM unnest(held) x));

    FOR i IN 1 .. n LOOP
        refusal := NULL;
        held_amount := 0;
        IF p_kinds[i] IN ('post', 'void', 'expire') THEN
            -- The pending transfer: made earlier in this batch, or stored before.
            j := array_position(p_ids, p_pending_ids[i]);
            IF j < i AND fresh[j] AND p_kinds[j] = 'pending' THEN
                h.debit_account_id := v_debit[j];
                h.credit_account_id := v_credit[j];
                h.currency := v_currency[j];
                h.ref := coalesce(v_ref[j], '');
                h.amount := v_amount[j];
            ELSE
                j := array_position(held_ids, p_pending_ids[i]);
                IF j IS NULL THEN
                    -- As in ledger_transfer(), before the id is looked up.
                    RETURN NEXT ROW(i, 'no_pending', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                    NULL)::ledger_transfer_result;
                    RETURN;
                END IF;
                h := held[j];
            END IF;
            v_debit[i] := h.debit_account_id;
            v_credit[i] := h.credit_account_id;
            v_currency[i] := h.currency;
            v_ref[i] := h.ref;
            IF p_kinds[i] <> 'post' OR p_amounts[i] IS NULL THEN
                v_amount[i] := h.amount;
            END IF;
            held_amount := h.amount;
            -- Resolved before this call, or by an earlier element (the first one naming it).
            j := array_position(p_pending_ids, p_pending_ids[i]);
            IF p_pending_ids[i] = ANY(resolved) OR (j < i AND fresh[j]) THEN
                refusal := 'already_resolved';
            ELSIF v_amount[i] > h.amount THEN
                refusal := 'exceeds_pending';
            END IF;
        ELSIF p_kinds[i] NOT IN ('single', 'pending') OR p_pending_ids[i] IS NOT NULL THEN
            refusal := 'rejected';
        ELSIF p_debits[i] = p_credits[i] THEN
            refusal := 'same_account';
        END IF;
        da := array_position(acc_ids, v_debit[i]);
        ca := array_position(acc_ids, v_credit[i]);
        IF refusal IS NULL AND p_kinds[i] IN ('single', 'pending') THEN
            IF da IS NULL OR ca IS NULL THEN
                refusal := 'no_account';
            ELSIF acc_currency[da] <> v_currency[i] OR acc_currency[ca] <> v_currency[i] THEN
                refusal := 'currency_mismatch';
            ELSIF acc_guarded[da] AND acc_available[da] < v_amount[i] THEN
                refusal := 'insufficient_funds';
            END IF;
        END IF;

        -- Idempotency comes first, as in ledger_transfer(): an id already stored (before this call or
        -- earlier in the batch) is the same transfer again or another movement under a used id.
        j := array_position(stored_ids, p_ids[i]);
        IF j IS NOT NULL THEN
            t := stored[j];
        ELSE
            j := array_position(p_ids, p_ids[i]);
            IF j < i AND fresh[j] THEN
                t.id := p_ids[j];
                t.kind := p_kinds[j];
                t.debit_account_id := v_debit[j];
                t.credit_account_id := v_credit[j];
                t.amount := v_amount[j];
                t.currency := v_currency[j];
                t.pending_id := p_pending_ids[j];
                t.expires_at := CASE WHEN p_kinds[j] = 'pending' THEN p_expires_at[j] END;
                t.code := p_codes[j];
                t.ref := coalesce(v_ref[j], '');
                t.created_at := p_created_at;
            ELSE
                j := NULL;
            END IF;
        END IF;
        IF j IS NOT NULL THEN
            outcome := CASE
                WHEN (t.kind, t.debit_account_id, t.credit_account_id, t.amount, t.currency)
                     = (p_kinds[i], v_debit[i], v_credit[i], v_amount[i], v_currency[i])
                 AND t.pending_id IS NOT DISTINCT FROM p_pending_ids[i] THEN 'existing'
                ELSE 'id_reused' END;
        ELSIF refusal IS NOT NULL THEN
            outcome := refusal;
        ELSE
            outcome := 'created';
            fresh[i] := true;
            t.id := p_ids[i];
            t.kind := p_kinds[i];
            t.debit_account_id := v_debit[i];
            t.credit_account_id := v_credit[i];
            t.amount := v_amount[i];
            t.currency := v_currency[i];
            t.pending_id := p_pending_ids[i];
            t.expires_at := CASE WHEN p_kinds[i] = 'pending' THEN p_expires_at[i] END;
            t.code := p_codes[i];
            t.ref := coalesce(v_ref[i], '');
            t.created_at := p_created_at;
            -- What it leaves available on guarded accounts for the elements after it.
            IF acc_guarded[da] THEN
                acc_available[da] := acc_available[da] + CASE p_kinds[i]
                    WHEN 'single' THEN -v_amount[i]
                    WHEN 'pending' THEN -v_amount[i]
                    WHEN 'post' THEN held_amount - v_amount[i]
                    ELSE held_amount END;
            END IF;
            IF acc_guarded[ca] AND p_kinds[i] IN ('single', 'post') THEN
                acc_available[ca] := acc_available[ca] + v_amount[i];
            END IF;
        END IF;
        IF outcome NOT IN ('created', 'existing') THEN
            RETURN NEXT ROW(i, outcome, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                            NULL)::ledger_transfer_result;
            RETURN;
        END IF;
        results[i] := ROW(i, outcome, t.kind, t.debit_account_id, t.credit_account_id, t.amount, t.currency,
                          t.pending_id, t.expires_at, t.code, t.ref, t.created_at)::ledger_transfer_result;
    END LOOP;

    BEGIN
        INSERT INTO ledger_transfer (id, kind, debit_account_id, credit_account_id, amount, currency,
                                     pending_id, expires_at, code, ref, created_at)
        SELECT p_ids[k], p_kinds[k], v_debit[k], v_credit[k], v_amount[k], v_currency[k], p_pending_ids[k],
               CASE WHEN p_kinds[k] = 'pending' THEN p_expires_at[k] END, p_codes[k], coalesce(v_ref[k], ''),
               p_created_at
          FROM generate_subscripts(p_ids, 1) AS k
         WHERE fresh[k]
         ORDER BY k
        ON CONFLICT (id) DO NOTHING;
        GET DIAGNOSTICS inserted = ROW_COUNT;
        IF inserted < cardinality(array_positions(fresh, true)) THEN
            RAISE EXCEPTION 'ledger batch: an id was stored concurrently' USING ERRCODE = 'LB002';
        END IF;
    EXCEPTION WHEN SQLSTATE 'LB002' THEN
        -- Another transaction stored one of the ids after this call looked (the INSERT waited for it to
        -- commit). This call's inserts are undone; look again, now seeing that transfer.
        RETURN QUERY SELECT * FROM ledger_transfers(p_ids, p_kinds, p_debits, p_credits, p_amounts,
                                                    p_currencies, p_pending_ids, p_expires_at, p_codes,
                                                    p_refs, p_created_at);
        RETURN;
    END;
    RETURN QUERY SELECT * FROM unnest(results);
END;
$$ LANGUAGE plpgsql;
"""

# For going back: the batch function of migration 0007 (a loop over ledger_transfer(); 0007 also
# created the result type, which this migration keeps) and the row-level trigger of migration 0006.
_BATCH_0007 = import_module("tradeshield.ledger.migrations.0007_ledger_transfers_batch").SQL
PREVIOUS_BATCH = _BATCH_0007[_BATCH_0007.index("CREATE OR REPLACE FUNCTION ledger_transfers(") :]

PREVIOUS_APPLY = r"""
DROP TRIGGER IF EXISTS ledger_transfer_apply ON ledger_transfer;
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
         WHERE id = NEW.debit_account_id AND guarded;
        UPDATE ledger_account SET credits_pending = credits_pending + pending_add - held,
                                  credits_posted = credits_posted + posted_add
         WHERE id = NEW.credit_account_id AND guarded;
    ELSE
        UPDATE ledger_account SET credits_pending = credits_pending + pending_add - held,
                                  credits_posted = credits_posted + posted_add
         WHERE id = NEW.credit_account_id AND guarded;
        UPDATE ledger_account SET debits_pending = debits_pending + pending_add - held,
                                  debits_posted = debits_posted + posted_add
         WHERE id = NEW.debit_account_id AND guarded;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_transfer_apply AFTER INSERT ON ledger_transfer
    FOR EACH ROW EXECUTE FUNCTION ledger_transfer_apply();
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0010_fx_account_kind")]
    operations = [
        migrations.RunSQL(RULES, reverse_sql=PREVIOUS_APPLY),
        migrations.RunSQL(SQL, reverse_sql=PREVIOUS_BATCH),
    ]
