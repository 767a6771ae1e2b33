from django.db import migrations, models

# The canonical text of an event: jsonb renders keys in a fixed order, and the time is written in UTC
# whatever the session's time zone, so the same event always gives the same bytes.
PAYLOAD = """jsonb_build_object(
    'id', {e}.id, 'order', {e}.order_id, 'kind', {e}.kind, 'actor', {e}.actor, 'actor_org', {e}.actor_org,
    'from', {e}.from_status, 'to', {e}.to_status, 'data', {e}.data,
    'at', to_char({e}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text"""

FORWARD = f"""
CREATE FUNCTION audit_event_payload(e trade_order_event) RETURNS text
LANGUAGE sql STABLE AS $$ SELECT {PAYLOAD.format(e="e")} $$;

CREATE FUNCTION audit_append(e trade_order_event) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    prev text;
    n integer;
    body text := audit_event_payload(e);
BEGIN
    -- One writer per order's chain at a time; the next statement then sees the other's entry.
    PERFORM pg_advisory_xact_lock(hashtext('audit:' || e.order_id));
    SELECT a.hash, a.seq INTO prev, n FROM audit_entry a WHERE a.order_id = e.order_id ORDER BY a.seq DESC LIMIT 1;
    IF prev IS NULL THEN
        prev := repeat('0', 64);
        n := 0;
    END IF;
    INSERT INTO audit_entry (order_id, event_id, seq, payload, prev_hash, hash, recorded_at)
    VALUES (e.order_id, e.id, n + 1, body, prev, encode(sha256(convert_to(prev || body, 'UTF8')), 'hex'),
            clock_timestamp());
END $$;

CREATE FUNCTION audit_on_order_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM audit_append(NEW);
    RETURN NULL;
END $$;

CREATE TRIGGER audit_order_event AFTER INSERT ON trade_order_event
    FOR EACH ROW EXECUTE FUNCTION audit_on_order_event();

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

-- Events recorded before this migration join their orders' chains in the order they happened.
DO $$
DECLARE r trade_order_event;
BEGIN
    FOR r IN SELECT * FROM trade_order_event ORDER BY order_id, created_at, id LOOP
        PERFORM audit_append(r);
    END LOOP;
END $$;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry;
DROP FUNCTION IF EXISTS audit_refuse_change();
DROP TRIGGER IF EXISTS audit_order_event ON trade_order_event;
DROP FUNCTION IF EXISTS audit_on_order_event();
DROP FUNCTION IF EXISTS audit_append(trade_order_event);
DROP FUNCTION IF EXISTS audit_event_payload(trade_order_event);
"""


class Migration(migrations.Migration):
    initial = True
    dependencies = [("orders", "0004_inspection_cleared_at")]

    operations = [
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("order_id", models.CharField(max_length=40)),
                ("event_id", models.BigIntegerField(unique=True)),
                ("seq", models.PositiveIntegerField()),
                ("payload", models.TextField()),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
                ("recorded_at", models.DateTimeField()),
            ],
            options={
                "db_table": "audit_entry",
                "constraints": [models.UniqueConstraint(fields=("order_id", "seq"), name="audit_entry_chain_position")],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
