"""Companies on the platform, their members and their API credentials."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tradeshield.kit import clock
from tradeshield.kit.ids import new_id


class OrgKind(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SUPPLIER = "supplier", _("Supplier")
    INSPECTION_AGENCY = "inspection_agency", _("Inspection agency")
    LEGAL_PARTNER = "legal_partner", _("Legal partner")


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    BUYER = "buyer", _("Buyer")
    SALES = "sales", _("Sales")
    FINANCE = "finance", _("Finance")
    INSPECTOR = "inspector", _("Inspector")
    LAWYER = "lawyer", _("Lawyer")


def _org_id() -> str:
    return new_id("org")


class Organization(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=_org_id, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrgKind.choices)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    languages = models.JSONField(default=list, blank=True)
    default_currency = models.CharField(max_length=3, default="USD")
    # A supplier's trade-assurance limit, in USD minor units: the part of an order above it is not covered.
    coverage_limit_usd = models.BigIntegerField(default=5_000_000)
    # Sandbox organizations live on a simulation clock; null means real time.
    test_clock = models.ForeignKey(
        "clocks.TestClock", null=True, blank=True, on_delete=models.PROTECT, related_name="organizations"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "organization"

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user belongs to at most one organization (see docs/decisions.md)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=20, choices=MemberRole.choices)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "organization_membership"


def _key_id() -> str:
    return new_id("key")


class ApiKey(models.Model):
    """An organization's API key. Only a SHA-256 of the secret is stored; it is shown once."""

    id = models.CharField(primary_key=True, max_length=40, default=_key_id, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)  # first characters, to recognise a key in lists
    secret_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "organization_api_key"


class PersonalToken(models.Model):
    """A short-lived bearer token for one user, from POST /api/v1/auth/token."""

    secret_hash = models.CharField(max_length=64, primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()

    class Meta:
        db_table = "personal_token"
