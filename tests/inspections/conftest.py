"""An accredited inspection agency with an owner and an inspector, and orders that need inspecting."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from tests.conftest import PASSWORD, ApiClient, Party, confirmed_order, make_party, pay_card
from tradeshield.inspections.models import AgencyProfile
from tradeshield.kit import clock
from tradeshield.organizations import services as orgs
from tradeshield.organizations.models import OrgKind

# A tiny valid PNG header is enough: uploads are recognised by their magic number.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def make_agency(name: str = "Global Inspect", fee_usd: int = 29_900) -> tuple[Party, Party]:
    owner = make_party(OrgKind.INSPECTION_AGENCY, name, "CN")
    AgencyProfile.objects.create(
        organization=owner.org,
        accreditation="ISO/IEC 17020:2012 Type A",
        accreditation_body="CNAS",
        accreditation_number=f"IB{uuid.uuid4().hex[:4]}",
        accredited_until=clock.today() + timedelta(days=365),
        fee_usd=fee_usd,
    )
    email = f"inspector-{uuid.uuid4().hex[:6]}@agency.test"
    user = orgs.member_create(organization=owner.org, email=email, password=PASSWORD, role="inspector")
    secret, _ = orgs.personal_token_issue(email=email, password=PASSWORD)
    return owner, Party(org=owner.org, user=user, client=ApiClient(secret))


@pytest.fixture
def agency(db: None) -> Party:
    return make_agency()[0]


@pytest.fixture
def agency_and_inspector(db: None) -> tuple[Party, Party]:
    return make_agency("Bureau Check")


def paid_inspected_order(buyer: Party, supplier: Party, **kwargs: Any) -> dict[str, Any]:
    order = confirmed_order(
        buyer,
        supplier,
        inspection_required=True,
        ship_by_date=(clock.today() + timedelta(days=40)).isoformat(),
        **kwargs,
    )
    assert pay_card(buyer, order["id"]).status_code == 201
    return order


def visit(supplier: Party, order_id: str, agency_id: str, **overrides: Any) -> Any:
    body = {
        "lot_size": 1000,
        "packed_percent": 85,
        "ready_date": (clock.today() + timedelta(days=3)).isoformat(),
        "site_address": "No. 8 Industrial Rd, Shenzhen",
        "agency_id": agency_id,
        **overrides,
    }
    return supplier.client.post(f"/orders/{order_id}/inspections", body, key=False)


def upload_photo(party: Party, inspection_id: str, data: bytes = PNG, name: str = "carton.png") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, data, content_type="image/png")
    return party.client.client.post(
        f"/api/v1/inspections/{inspection_id}/photos",
        {"file": upload},
        headers={"Authorization": f"Bearer {party.client.token}"},
    )
