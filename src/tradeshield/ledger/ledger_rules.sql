-- Ledger rules enforced by PostgreSQL itself, whatever code writes to these tables.

-- 1. Transfers are append-only.
CREATE OR REPLACE FUNCTION ledger_transfer_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger transfers are append-only (% refused)', TG_OP
        USING ERRCODE = 'raise_exception', CONSTRAINT = 'ledger_transfer_append_only';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS ledger_transfer_no_update ON ledger_transfer;
CREATE TRIGGER ledger_transfer_no_update BEFORE UPDATE OR DELETE ON ledger_transfer
    FOR EACH ROW EXECUTE FUNCTION ledger_transfer_append_only();

-- 2. Before a transfer is stored: currencies agree, a resolution matches its pending transfer.
CREATE OR REPLACE FUNCTION ledger_transfer_validate() RETURNS trigger AS $$
DECLARE
    p ledger_transfer%ROWTYPE;
    debit_currency text;
    credit_currency text;
BEGIN
    SELECT currency INTO debit_currency FROM ledger_account WHERE id = NEW.debit_account_id;
    SELECT currency INTO credit_currency FROM ledger_account WHERE id = NEW.credit_account_id;
    IF debit_currency IS DISTINCT FROM NEW.currency OR credit_currency IS DISTINCT FROM NEW.currency THEN
        RAISE EXCEPTION 'transfer % in % between accounts in % and %',
            NEW.id, NEW.currency, debit_currency, credit_currency
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transfer_currency_matches';
    END IF;
    IF NEW.kind IN ('post', 'void', 'expire') THEN
        SELECT * INTO p FROM ledger_transfer WHERE id = NEW.pending_id;
        IF p.kind IS DISTINCT FROM 'pending' THEN
            RAISE EXCEPTION 'transfer % resolves %, which is not pending', NEW.id, NEW.pending_id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transfer_resolves_pending';
        END IF;
        IF NEW.debit_account_id <> p.debit_account_id OR NEW.credit_account_id <> p.credit_account_id THEN
            RAISE EXCEPTION 'transfer % must use the accounts of %', NEW.id, p.id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transfer_resolves_pending';
        END IF;
        IF NEW.kind = 'post' AND NEW.amount > p.amount THEN
            RAISE EXCEPTION 'post % of % exceeds the pending %', NEW.amount, p.id, p.amount
                USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transfer_post_within_pending';
        END IF;
        IF NEW.kind <> 'post' AND NEW.amount <> p.amount THEN
            RAISE EXCEPTION '% of % must carry the pending amount %', NEW.kind, p.id, p.amount
                USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transfer_resolves_pending';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS ledger_transfer_validate ON ledger_transfer;
CREATE TRIGGER ledger_transfer_validate BEFORE INSERT ON ledger_transfer
    FOR EACH ROW EXECUTE FUNCTION ledger_transfer_validate();

-- 3. After each statement that stores transfers: move the balances of guarded accounts.
-- Unguarded accounts (the platform's and the outside world's, shared by every payment of a currency)
-- keep no running totals: their balance is summed from their transfers when read, so payments do
-- not queue on their rows. Guarded accounts keep exact totals under the row lock, for the overdraft
-- check. The trigger runs once per statement over the transfers it stored (`added`): what they do to
-- each account is summed first and each account is updated once, in id order (a stable lock order
-- avoids deadlocks), so a statement that stores many movements on the same accounts leaves one new
-- version of each account row, not one per movement. The account constraints (no overdraft) are
-- therefore checked on each statement's net effect; ledger_transfers() checks a batch's elements one
-- by one before it inserts them. A resolution releases the amount its pending transfer held. An
-- UPDATE whose condition fails on a row does not lock it.
CREATE OR REPLACE FUNCTION ledger_transfer_apply() RETURNS trigger AS $$
DECLARE
    s record;
BEGIN
    FOR s IN
        WITH moves AS (
            SELECT n.debit_account_id, n.credit_account_id,
                   CASE WHEN n.kind = 'pending' THEN n.amount
                        WHEN n.kind = 'single' THEN 0
                        ELSE -p.amount END AS pending_add,
                   CASE WHEN n.kind IN ('single', 'post') THEN n.amount ELSE 0 END AS posted_add
              FROM added n LEFT JOIN ledger_transfer p ON p.id = n.pending_id
        ), sides AS (
            SELECT debit_account_id AS account_id, pending_add AS d_pending, posted_add AS d_posted,
                   0::bigint AS c_pending, 0::bigint AS c_posted
              FROM moves
            UNION ALL
            SELECT credit_account_id, 0, 0, pending_add, posted_add FROM moves
        )
        SELECT account_id, sum(d_pending)::bigint AS d_pending, sum(d_posted)::bigint AS d_posted,
               sum(c_pending)::bigint AS c_pending, sum(c_posted)::bigint AS c_posted
          FROM sides GROUP BY account_id ORDER BY account_id
    LOOP
        UPDATE ledger_account SET debits_pending = debits_pending + s.d_pending,
                                  debits_posted = debits_posted + s.d_posted,
                                  credits_pending = credits_pending + s.c_pending,
                                  credits_posted = credits_posted + s.c_posted
         WHERE id = s.account_id AND guarded;
    END LOOP;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS ledger_transfer_apply ON ledger_transfer;
CREATE TRIGGER ledger_transfer_apply AFTER INSERT ON ledger_transfer
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_transfer_apply();

-- 4. Balances change only through transfers: a direct UPDATE of the totals is refused.
CREATE OR REPLACE FUNCTION ledger_account_totals_guard() RETURNS trigger AS $$
BEGIN
    IF pg_trigger_depth() < 2 AND (
        NEW.debits_pending <> OLD.debits_pending OR NEW.debits_posted <> OLD.debits_posted OR
        NEW.credits_pending <> OLD.credits_pending OR NEW.credits_posted <> OLD.credits_posted
    ) THEN
        RAISE EXCEPTION 'account % totals change only through transfers', OLD.id
            USING ERRCODE = 'raise_exception', CONSTRAINT = 'ledger_account_totals_by_transfer';
    END IF;
    -- Whether totals are kept depends on `guarded`, so it may never change, nor may what the
    -- account is.
    IF NEW.id <> OLD.id OR NEW.kind <> OLD.kind OR NEW.currency <> OLD.currency OR NEW.guarded <> OLD.guarded THEN
        RAISE EXCEPTION 'account % cannot change its id, kind, currency or guard', OLD.id
            USING ERRCODE = 'raise_exception', CONSTRAINT = 'ledger_account_totals_by_transfer';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS ledger_account_totals_guard ON ledger_account;
CREATE TRIGGER ledger_account_totals_guard BEFORE UPDATE ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION ledger_account_totals_guard();

-- New accounts start at zero.
CREATE OR REPLACE FUNCTION ledger_account_starts_empty() RETURNS trigger AS $$
BEGIN
    IF NEW.debits_pending <> 0 OR NEW.debits_posted <> 0 OR NEW.credits_pending <> 0 OR NEW.credits_posted <> 0 THEN
        RAISE EXCEPTION 'account % must start with zero totals', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_account_totals_by_transfer';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS ledger_account_starts_empty ON ledger_account;
CREATE TRIGGER ledger_account_starts_empty BEFORE INSERT ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION ledger_account_starts_empty();
