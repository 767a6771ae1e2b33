from pathlib import Path

from django.db import migrations

SQL = (Path(__file__).resolve().parent.parent / "ledger_rules.sql").read_text()


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunSQL(SQL, reverse_sql=migrations.RunSQL.noop)]
