"""The default processing fee schedule (DESIGN.md): card 2.99 %, Mastercard in Asia-Pacific capped at
USD 40, T/T free, e-Check USD 15. Wallets are priced like cards."""

from decimal import Decimal

from django.db import migrations

RULES = [
    {"method": "card", "network": "", "region": "", "percent": Decimal("2.99")},
    {"method": "card", "network": "mastercard", "region": "APAC", "percent": Decimal("2.99"), "cap_amount": 4000},
    {"method": "bank_transfer", "network": "", "region": "", "percent": Decimal("0")},
    {"method": "echeck", "network": "", "region": "", "percent": Decimal("0"), "fixed_amount": 1500},
    {"method": "wallet", "network": "", "region": "", "percent": Decimal("2.99")},
]


def forwards(apps, schema_editor):
    FeeRule = apps.get_model("payments", "FeeRule")
    for rule in RULES:
        FeeRule.objects.update_or_create(
            method=rule["method"], network=rule["network"], region=rule["region"], defaults=rule
        )


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
