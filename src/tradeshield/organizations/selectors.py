"""Reads for organizations and their credentials."""

from __future__ import annotations

from django.db.models import QuerySet

from tradeshield.organizations.models import ApiKey, Organization


def api_keys_for(organization: Organization) -> QuerySet[ApiKey]:
    """Live keys first, newest first."""
    return ApiKey.objects.filter(organization=organization).order_by("revoked_at", "-created_at")


def organizations_of_kind(kind: str) -> QuerySet[Organization]:
    return Organization.objects.filter(kind=kind).order_by("name")
