"""Events recorded before notifications existed are history, not news: mark them relayed, so the
catch-up sweep does not email and notify about every past order on the first deploy."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "INSERT INTO notification_relayed_event (event_id, message_id, relayed_at) "
            "SELECT id, 'msg_history_' || id, now() FROM trade_order_event ON CONFLICT DO NOTHING",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
