"""Messages are append-only and never empty or oversized, enforced by PostgreSQL itself."""

from django.db import migrations

SQL = """
ALTER TABLE messaging_message
    ADD CONSTRAINT message_body_length CHECK (char_length(body) BETWEEN 1 AND 5000);

CREATE FUNCTION messaging_message_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'messages are append-only (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER messaging_message_append_only
    BEFORE UPDATE OR DELETE ON messaging_message
    FOR EACH ROW EXECUTE FUNCTION messaging_message_append_only();
"""

REVERSE = """
DROP TRIGGER messaging_message_append_only ON messaging_message;
DROP FUNCTION messaging_message_append_only();
ALTER TABLE messaging_message DROP CONSTRAINT message_body_length;
"""


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
