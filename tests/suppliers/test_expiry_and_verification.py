"""Expiry notices and automatic suspension on the clock; on-site verification and its lapsing badge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import Party
from tests.suppliers.conftest import PNG, application_body, approve, filed, upload
from tradeshield.kit import clock
from tradeshield.orders import services as orders
from tradeshield.suppliers import services as suppliers
from tradeshield.suppliers.errors import SupplierNotQualified
from tradeshield.suppliers.expiry import expiry_sweep
from tradeshield.suppliers.fixtures import ALL_CHECKED, fixture_reviewer
from tradeshield.suppliers.models import ExpiryNotice, SupplierEvent
from tradeshield.suppliers.selectors import supplier_eligible, supplier_trust_facts

pytestmark = pytest.mark.django_db


def _at(day: datetime) -> datetime:
    # The time of day stays the real one: the API's bearer tokens expire on the real clock (an hour
    # after they are made), so a clock frozen at a later hour today could find them already expired.
    return day.replace(microsecond=0, tzinfo=UTC)


def test_expiry_notices_once_each_then_suspension_and_restore(fresh: Party, buyer: Party, reviewer: Party) -> None:
    start = _at(datetime.now(UTC))
    with clock.frozen_at(start):
        ends = clock.today() + timedelta(days=40)
        approve(reviewer, filed(fresh, valid_to=ends)["id"])
        assert expiry_sweep() == 0
    with clock.frozen_at(start + timedelta(days=11)):  # 29 days left: the 30-day notice, once
        assert expiry_sweep() == 1
        assert expiry_sweep() == 0
    with clock.frozen_at(start + timedelta(days=34)):  # 6 days left
        assert expiry_sweep() == 1
        assert supplier_eligible(fresh.org.id)
    notices = ExpiryNotice.objects.filter(supplier=fresh.org, item_kind="business_license")
    assert sorted(notices.values_list("threshold_days", flat=True)) == [7, 30]
    with clock.frozen_at(start + timedelta(days=41)):  # expired: suspended, orders refused
        assert not supplier_eligible(fresh.org.id)
        # (bearer tokens expired on this clock: call the order service's gate directly)
        with pytest.raises(SupplierNotQualified):
            orders.require_qualified(fresh.org.id)
        assert expiry_sweep() == 1
        assert expiry_sweep() == 0
        assert SupplierEvent.objects.filter(supplier=fresh.org, kind="qualification.suspended").count() == 1
        assert supplier_trust_facts([fresh.org.id])[fresh.org.id].status == "suspended"
    renewal = filed(fresh, valid_to=clock.today() + timedelta(days=1000))  # today: tokens work again
    with clock.frozen_at(start + timedelta(days=41)):
        qualify_renewal(renewal["id"])
        assert supplier_eligible(fresh.org.id)
        assert SupplierEvent.objects.filter(supplier=fresh.org, kind="qualification.restored").count() == 1
        orders.require_qualified(fresh.org.id)


def test_expired_license_cannot_be_submitted(fresh: Party) -> None:
    body = application_body(
        license_valid_from=(clock.today() - timedelta(days=30)).isoformat(),
        license_valid_to=(clock.today() - timedelta(days=1)).isoformat(),
    )
    application = fresh.client.post("/suppliers/applications", body).json()
    refused = fresh.client.post(f"/suppliers/applications/{application['id']}/submit")
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "license_expired"


def qualify_renewal(application_id: str) -> None:
    suppliers.application_decide(
        actor=fixture_reviewer(), application_id=application_id, decision="approve", checklist=ALL_CHECKED
    )


def _report(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "visited_on": clock.today().isoformat(),
        "factory_address": "18 Gongye Rd, Cixi, Ningbo",
        "latitude": "30.1703",
        "longitude": "121.2661",
        "staff_count": 220,
        "annual_capacity": "1,200,000 LED panels",
        "findings": "Two SMT lines, aging room, ESD controls in place.",
        "equipment": [{"name": "SMT line", "quantity": 2, "capacity": "800 pcs/hour"}],
    }
    body.update(overrides)
    return body


def test_verification_visit_report_and_badge_lapse(fresh: Party, agency: Party, buyer: Party, reviewer: Party) -> None:
    approve(reviewer, filed(fresh)["id"])
    visit = fresh.client.post("/suppliers/verifications", {"agency_id": agency.org.id})
    assert visit.status_code == 201, visit.json()
    vid = visit.json()["id"]
    assert fresh.client.post("/suppliers/verifications", {"agency_id": agency.org.id}).status_code == 409
    assert buyer.client.get(f"/suppliers/verifications/{vid}").status_code == 404
    not_agency = fresh.client.post(
        f"/suppliers/verifications/{vid}/accept", {"planned_date": clock.today().isoformat()}
    )
    assert not_agency.status_code == 404
    assert (
        agency.client.post(
            f"/suppliers/verifications/{vid}/accept", {"planned_date": clock.today().isoformat()}
        ).status_code
        == 200
    )
    no_photo = agency.client.post(f"/suppliers/verifications/{vid}/report", _report())
    assert no_photo.status_code == 422 and no_photo.json()["error"]["code"] == "photos_required"
    wrong_ext = upload(agency, f"/suppliers/verifications/{vid}/photos", PNG, "factory.jpg", kind="factory")
    assert wrong_ext.status_code == 422 and wrong_ext.json()["error"]["code"] == "file_extension_mismatch"
    photo = upload(agency, f"/suppliers/verifications/{vid}/photos", PNG, "factory.png", kind="factory")
    assert photo.status_code == 201
    bad_lat = agency.client.post(f"/suppliers/verifications/{vid}/report", _report(latitude="91"))
    assert bad_lat.status_code == 422 and bad_lat.json()["error"]["field"] == "latitude"
    bad_lon = agency.client.post(f"/suppliers/verifications/{vid}/report", _report(longitude="east"))
    assert bad_lon.status_code == 422 and bad_lon.json()["error"]["field"] == "longitude"
    future = agency.client.post(
        f"/suppliers/verifications/{vid}/report", _report(visited_on=(clock.today() + timedelta(days=1)).isoformat())
    )
    assert future.status_code == 422
    filed_report = agency.client.post(f"/suppliers/verifications/{vid}/report", _report())
    assert filed_report.status_code == 200, filed_report.json()
    report = filed_report.json()
    assert report["status"] == "reported" and report["equipment"][0]["capacity"] == "800 pcs/hour"
    assert report["latitude"] == "30.170300"
    assert agency.client.post(f"/suppliers/verifications/{vid}/report", _report()).status_code == 409
    photo_id = report["photos"][0]["id"]
    assert fresh.client.get(f"/suppliers/verifications/{vid}/photos/{photo_id}/content").content == PNG
    assert buyer.client.get(f"/suppliers/verifications/{vid}/photos/{photo_id}/content").status_code == 404
    trust = buyer.client.get(f"/suppliers/{fresh.org.id}/trust").json()
    visited = clock.today()
    assert trust["verified"] is True and trust["verified_at"] == visited.isoformat()
    until = visited.replace(year=visited.year + 1) if not (visited.month == 2 and visited.day == 29) else None
    if until:
        assert trust["verified_until"] == until.isoformat()
        assert supplier_trust_facts([fresh.org.id], today=until - timedelta(days=1))[fresh.org.id].verified
        lapsed = supplier_trust_facts([fresh.org.id], today=until)[fresh.org.id]
        assert not lapsed.verified and lapsed.verification_lapsed and lapsed.verified_at == visited
