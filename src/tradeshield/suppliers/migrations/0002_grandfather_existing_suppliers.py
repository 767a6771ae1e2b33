"""Suppliers that traded before qualification review existed keep trading for 90 days.

Each gets an approved application marked as grandfathered, with no license data and a license
validity ending 90 days after this migration, so the expiry sweep reminds them at 30 and 7 days and
suspends them if no real application is approved by then. See docs/decisions.md.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import migrations

GRACE_DAYS = 90


def grandfather(apps, schema_editor):  # type: ignore[no-untyped-def]
    from tradeshield.kit import clock
    from tradeshield.kit.ids import new_id

    Organization = apps.get_model("organizations", "Organization")
    Application = apps.get_model("suppliers", "SupplierApplication")
    Event = apps.get_model("suppliers", "SupplierEvent")
    now = clock.now()
    until = now.date() + timedelta(days=GRACE_DAYS)
    for org in (
        Organization.objects.filter(kind="supplier")
        .exclude(pk__in=Application.objects.values("supplier_id"))
        .order_by("pk")
    ):
        application = Application.objects.create(
            id=new_id("sqa"),
            supplier_id=org.pk,
            status="approved",
            license_number="GRANDFATHERED",
            license_country=(org.country or "ZZ")[:2],
            license_valid_from=org.created_at.date() if org.created_at.date() <= until else now.date(),
            license_valid_to=until,
            decision_reasons="Trading before qualification review existed; file an application within 90 days.",
            approved_at=now,
            decided_at=now,
            created_at=now,
            updated_at=now,
        )
        Event.objects.create(
            application=application,
            supplier_id=org.pk,
            kind="application.grandfathered",
            actor="system",
            data={"valid_to": until.isoformat()},
            created_at=now,
        )


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0001_initial"), ("organizations", "0001_initial")]

    operations = [migrations.RunPython(grandfather, migrations.RunPython.noop)]
