"""Default rules and thresholds; indexes for the signals on other domains' tables; the decision log is
append-only (a trigger refuses UPDATE and DELETE)."""

from django.db import migrations

from tradeshield.risk.defaults import DEFAULT_RULES, FREEZE_AT, REVIEW_AT, SUSPEND_AT

INDEXES = [
    (
        "CREATE INDEX IF NOT EXISTS risk_payment_buyer_history ON payment (buyer_id, currency, created_at DESC)",
        "DROP INDEX IF EXISTS risk_payment_buyer_history",
    ),
    (
        "CREATE INDEX IF NOT EXISTS risk_payment_buyer_failed ON payment (buyer_id, created_at) WHERE status = 'failed'",
        "DROP INDEX IF EXISTS risk_payment_buyer_failed",
    ),
    (
        "CREATE INDEX IF NOT EXISTS risk_payout_account_org ON payout_account (organization_id, created_at)",
        "DROP INDEX IF EXISTS risk_payout_account_org",
    ),
]

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION risk_decision_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'risk_decision is append-only';
END $$;
CREATE TRIGGER risk_decision_append_only BEFORE UPDATE OR DELETE ON risk_decision
  FOR EACH ROW EXECUTE FUNCTION risk_decision_append_only();
"""
APPEND_ONLY_REVERSE = """
DROP TRIGGER IF EXISTS risk_decision_append_only ON risk_decision;
DROP FUNCTION IF EXISTS risk_decision_append_only();
"""


def seed(apps, schema_editor):
    rule = apps.get_model("risk", "RiskRule")
    for name, condition, weight, description in DEFAULT_RULES:
        rule.objects.get_or_create(
            name=name, defaults={"condition": condition, "weight": weight, "description": description}
        )
    apps.get_model("risk", "RiskPolicy").objects.get_or_create(
        id=1, defaults={"review_at": REVIEW_AT, "suspend_at": SUSPEND_AT, "freeze_at": FREEZE_AT}
    )


def unseed(apps, schema_editor):
    apps.get_model("risk", "RiskRule").objects.all().delete()
    apps.get_model("risk", "RiskPolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("risk", "0001_initial"),
        ("payments", "0004_saved_methods_encrypted_tokens"),
        ("payouts", "0001_initial"),
        ("organizations", "0001_initial"),
    ]

    operations = [
        *[migrations.RunSQL(sql, reverse) for sql, reverse in INDEXES],
        migrations.RunSQL(APPEND_ONLY, APPEND_ONLY_REVERSE),
        migrations.RunPython(seed, unseed),
    ]
