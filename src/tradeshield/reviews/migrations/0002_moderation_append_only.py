"""The moderation log is append-only, enforced by PostgreSQL."""

from django.db import migrations

SQL = """
CREATE FUNCTION review_moderation_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the moderation log is append-only (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER review_moderation_append_only
    BEFORE UPDATE OR DELETE ON review_moderation
    FOR EACH ROW EXECUTE FUNCTION review_moderation_append_only();
"""

REVERSE = """
DROP TRIGGER review_moderation_append_only ON review_moderation;
DROP FUNCTION review_moderation_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
