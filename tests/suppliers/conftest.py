"""Unqualified suppliers, a reviewer with a token, and an inspection agency, over real PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSWORD, ApiClient, Party, make_party
from tradeshield.accounts.models import User
from tradeshield.kit import clock
from tradeshield.organizations import services as orgs
from tradeshield.organizations.models import OrgKind

PDF = b"%PDF-1.4\n" + b"0" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.TRADESHIELD_MEDIA_ROOT = str(tmp_path / "media")


def new_supplier(name: str = "Ningbo Lamps") -> Party:
    """A supplier that has not been qualified (make_party qualifies suppliers)."""
    org = orgs.organization_create(name=name, kind=OrgKind.SUPPLIER, country="CN")
    email = f"{uuid.uuid4().hex[:8]}@supplier.test"
    user = orgs.member_create(organization=org, email=email, password=PASSWORD, role="owner")
    secret, _ = orgs.personal_token_issue(email=email, password=PASSWORD)
    return Party(org=org, user=user, client=ApiClient(secret))


def staff(role: str) -> Party:
    email = f"{role}-{uuid.uuid4().hex[:6]}@tradeshield.test"
    user = User.objects.create_user(email, PASSWORD, staff_role=role)
    secret, _ = orgs.personal_token_issue(email=email, password=PASSWORD)
    return Party(org=None, user=user, client=ApiClient(secret))


@pytest.fixture
def fresh(db: None) -> Party:
    return new_supplier()


@pytest.fixture
def reviewer(db: None) -> Party:
    return staff("reviewer")


@pytest.fixture
def agency(db: None) -> Party:
    return make_party(OrgKind.INSPECTION_AGENCY, "Factory Audit Co", "CN")


def application_body(valid_to: date | None = None, **extra: Any) -> dict[str, Any]:
    today = clock.today()
    body: dict[str, Any] = {
        "license_number": "91330200MA2XXXX",
        "license_country": "CN",
        "license_valid_from": (today - timedelta(days=400)).isoformat(),
        "license_valid_to": (valid_to or today + timedelta(days=700)).isoformat(),
        "company_description": "LED lighting maker, 2 lines.",
        "production_licenses": [
            {
                "number": "XK16-204-0001",
                "issued_by": "SAMR Zhejiang",
                "scope": "Lamps",
                "valid_from": (today - timedelta(days=100)).isoformat(),
                "valid_to": (today + timedelta(days=900)).isoformat(),
            }
        ],
        "certifications": [
            {
                "standard": "ISO 9001",
                "number": "CN-9001-77",
                "body": "SGS",
                "scope": "LED lamps",
                "valid_from": (today - timedelta(days=200)).isoformat(),
                "valid_to": (today + timedelta(days=500)).isoformat(),
            }
        ],
    }
    body.update(extra)
    return body


ALL_OK = {
    item: {"ok": True, "note": "seen"}
    for item in (
        "license",
        "production_capability",
        "quality_system",
        "environmental",
        "social_responsibility",
        "intellectual_property",
    )
}


def upload(party: Party, path: str, data: bytes, name: str, **fields: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return party.client.client.post(
        f"/api/v1{path}",
        {"file": SimpleUploadedFile(name, data), **fields},
        headers={"Authorization": f"Bearer {party.client.token}"},
    )


def filed(party: Party, **extra: Any) -> dict[str, Any]:
    response = party.client.post("/suppliers/applications", application_body(**extra))
    assert response.status_code == 201, response.json()
    application = response.json()
    assert (
        upload(party, f"/suppliers/applications/{application['id']}/documents", PDF, "license.pdf").status_code == 201
    )
    submitted = party.client.post(f"/suppliers/applications/{application['id']}/submit")
    assert submitted.status_code == 200, submitted.json()
    return submitted.json()


def approve(reviewer: Party, application_id: str) -> Any:
    return reviewer.client.post(
        f"/suppliers/applications/{application_id}/decision", {"decision": "approve", "checklist": ALL_OK}
    )
