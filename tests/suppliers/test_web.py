"""Qualification through the web pages: the supplier's form, the reviewer's checklist, the agency's report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.suppliers.conftest import PDF, PNG
from tests.web.support import add_member, make_member, make_staff, messages_of
from tradeshield.kit import clock
from tradeshield.organizations import services as orgs
from tradeshield.organizations.models import OrgKind
from tradeshield.suppliers.models import SupplierApplication, Verification

pytestmark = pytest.mark.django_db


def _form(today_offset: int = 700, **extra: str) -> dict[str, str]:
    today = clock.today()
    data = {
        "action": "save",
        "app-license_number": "91440300WEB",
        "app-license_country": "cn",
        "app-license_valid_from": (today - timedelta(days=100)).isoformat(),
        "app-license_valid_to": (today + timedelta(days=today_offset)).isoformat(),
        "app-company_description": "LED maker",
        "cert-TOTAL_FORMS": "1",
        "cert-INITIAL_FORMS": "0",
        "cert-0-standard": "ISO 14001",
        "cert-0-number": "EMS-1",
        "cert-0-body": "TÜV SÜD",
        "cert-0-valid_from": (today - timedelta(days=10)).isoformat(),
        "cert-0-valid_to": (today + timedelta(days=300)).isoformat(),
    }
    data.update(extra)
    return data


def test_supplier_files_reviewer_approves_agency_verifies_through_the_pages() -> None:
    org = orgs.organization_create(name="Web Lamps", kind=OrgKind.SUPPLIER, country="CN")
    supplier = add_member(org, "owner")
    buyer = make_member(OrgKind.BUYER, "Web Buyer", "US")
    reviewer = make_staff("reviewer")
    agency = make_member(OrgKind.INSPECTION_AGENCY, "Web Audit", "CN")

    page = supplier.client.get("/qualification/")
    assert page.status_code == 200 and "File an application" in page.content.decode()
    backwards = supplier.client.post(
        "/qualification/", _form(**{"cert-0-valid_to": (clock.today() - timedelta(days=30)).isoformat()})
    )
    assert backwards.status_code == 200 and not SupplierApplication.objects.filter(supplier=org).exists()
    assert supplier.client.post("/qualification/", _form()).status_code == 302
    application = SupplierApplication.objects.get(supplier=org)
    assert application.license_country == "CN" and application.certifications.get().body == "TÜV SÜD"
    doc = supplier.client.post(
        f"/qualification/{application.id}/documents/",
        {"doc-kind": "business_license", "doc-file": SimpleUploadedFile("scan.png", PDF)},
    )
    assert "does not match its content" in " ".join(messages_of(doc))
    supplier.client.post(
        f"/qualification/{application.id}/documents/",
        {"doc-kind": "business_license", "doc-file": SimpleUploadedFile("scan.pdf", PDF)},
    )
    assert application.documents.count() == 1
    supplier.client.post(f"/qualification/{application.id}/submit/")
    application.refresh_from_db()
    assert application.status == "submitted"

    assert buyer.client.get(f"/staff/qualification/{application.id}/").status_code == 403
    assert buyer.client.get(f"/qualification/documents/{application.documents.get().id}/").status_code == 404
    queue = reviewer.client.get("/staff/qualification/")
    assert "Web Lamps" in queue.content.decode()
    review = reviewer.client.get(f"/staff/qualification/{application.id}/")
    assert review.status_code == 200 and "Social responsibility" in review.content.decode()
    checks = {
        f"ok_{item}": "on"
        for item in (
            "license",
            "production_capability",
            "quality_system",
            "environmental",
            "social_responsibility",
            "intellectual_property",
        )
    }
    half = reviewer.client.post(f"/staff/qualification/{application.id}/", {"ok_license": "on", "decision": "approve"})
    assert half.status_code == 200 and "Every checklist item" in half.content.decode()
    assert (
        reviewer.client.post(f"/staff/qualification/{application.id}/", {**checks, "decision": "approve"}).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.status == "approved" and application.decided_by == reviewer.user

    page = supplier.client.get("/qualification/").content.decode()
    assert "Qualified supplier" in page and "ISO 14001" in page
    supplier.client.post("/verifications/new/", {"agency": agency.org.id})
    visit = Verification.objects.get(supplier=org)
    assert buyer.client.get(f"/verifications/{visit.id}/").status_code == 404
    detail = f"/verifications/{visit.id}/"
    agency.client.post(detail, {"action": "accept", "accept-planned_date": clock.today().isoformat()})
    agency.client.post(
        detail,
        {"action": "photo", "photo-kind": "production_line", "photo-file": SimpleUploadedFile("line.png", PNG)},
    )
    bad = agency.client.post(
        detail,
        {
            "action": "report",
            "report-visited_on": clock.today().isoformat(),
            "report-factory_address": "1 Rd",
            "report-latitude": "95",
            "report-longitude": "114",
            "report-staff_count": "40",
            "report-findings": "ok",
        },
    )
    assert bad.status_code == 200 and "between -90 and 90" in bad.content.decode()
    done = agency.client.post(
        detail,
        {
            "action": "report",
            "report-visited_on": clock.today().isoformat(),
            "report-factory_address": "1 Rd",
            "report-latitude": "22.5",
            "report-longitude": "114.05",
            "report-staff_count": "40",
            "report-findings": "Lines running.",
            "report-equipment": "Press; 2; 10/min\nOven;1;",
        },
    )
    assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.status == "reported" and visit.equipment.count() == 2
    photo = visit.photos.get()
    assert supplier.client.get(f"/verifications/{visit.id}/photos/{photo.id}/").content == PNG
    assert buyer.client.get(f"/verifications/{visit.id}/photos/{photo.id}/").status_code == 404
    assert "Verified on site" in supplier.client.get("/qualification/").content.decode()
