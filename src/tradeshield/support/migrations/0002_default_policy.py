from django.db import migrations

DEFAULTS = {"urgent": (30, 240), "high": (120, 1440), "normal": (480, 4320), "low": (1440, 10080)}


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Policy = apps.get_model("support", "PriorityPolicy")
    for priority, (first, resolution) in DEFAULTS.items():
        Policy.objects.get_or_create(
            priority=priority, defaults={"first_response_minutes": first, "resolution_minutes": resolution}
        )


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
