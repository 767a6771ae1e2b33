"""Qualifying a supplier through the real service path, for tests, benchmarks and the demo seed.

A supplier must be qualified before it can trade; code that creates suppliers to trade with calls
`qualify(org)`, which files an application as the supplier and approves it as a reviewer (a staff
user created once for the purpose). Nothing here bypasses the rules the API enforces.
"""

from __future__ import annotations

from datetime import date, timedelta

from tradeshield.accounts.models import StaffRole, User
from tradeshield.kit import clock
from tradeshield.organizations.actors import Actor, actor_for_user
from tradeshield.organizations.models import Organization
from tradeshield.suppliers import services
from tradeshield.suppliers.models import CheckItem, SupplierApplication

FIXTURE_REVIEWER = "qualification-fixtures@tradeshield.invalid"
ALL_CHECKED = {item: {"ok": True, "note": ""} for item in CheckItem.values}


def fixture_reviewer() -> Actor:
    user = User.objects.filter(email=FIXTURE_REVIEWER).first()
    if user is None:
        user = User.objects.create_user(FIXTURE_REVIEWER, None, staff_role=StaffRole.REVIEWER, full_name="Fixtures")
    return actor_for_user(user)


def as_supplier(org: Organization) -> Actor:
    return Actor(user=None, organization=org, role="api_key", via="fixture")


def qualify(
    org: Organization,
    *,
    reviewer: Actor | None = None,
    license_number: str | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    certifications: list[services.CertificationInput] | None = None,
    production_licenses: list[services.LicenseInput] | None = None,
) -> SupplierApplication:
    """File and approve an application with a business license valid for five years."""
    today = clock.today()
    supplier = as_supplier(org)
    application = services.application_create(
        actor=supplier,
        data=services.ApplicationInput(
            license_number=license_number or f"BL-{org.pk[-10:]}",
            license_country=org.country or "CN",
            license_valid_from=valid_from or today - timedelta(days=365),
            license_valid_to=valid_to or today + timedelta(days=5 * 365),
            certifications=certifications or [],
            production_licenses=production_licenses or [],
        ),
    )
    services.application_submit(actor=supplier, application_id=application.pk)
    return services.application_decide(
        actor=reviewer or fixture_reviewer(),
        application_id=application.pk,
        decision="approve",
        checklist=ALL_CHECKED,
    )
