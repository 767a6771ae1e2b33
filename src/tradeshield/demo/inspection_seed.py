"""Demo inspection agencies and orders at each step of a pre-shipment inspection."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from tradeshield.accounts.models import User
from tradeshield.demo import seed as base
from tradeshield.demo.accounts import DEMO_PASSWORD
from tradeshield.files.services import file_store
from tradeshield.inspections import booking, reports
from tradeshield.inspections.models import AgencyProfile
from tradeshield.kit import clock
from tradeshield.orders import paying, services
from tradeshield.organizations import services as orgs
from tradeshield.organizations.actors import Actor, actor_for_user
from tradeshield.organizations.models import MemberRole

# A 1x1 PNG, so the demo report has a real (if tiny) photo with a SHA-256.
DEMO_PHOTO = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cf"
    "c0f01f0005000201a1a5e6c90000000049454e44ae426082"
)


def _actor(email: str) -> Actor:
    return actor_for_user(User.objects.get(email=email))


def _agency(name: str, country: str, owner: str, inspector: str, body: str, fee_usd: int) -> tuple[Actor, Actor]:
    agency = base._org(name, "inspection_agency", country, "USD", ["en", "zh-hans"], (owner, MemberRole.OWNER))
    assert agency.organization is not None
    inspector_actor = actor_for_user(
        orgs.member_create(
            organization=agency.organization,
            email=inspector,
            password=DEMO_PASSWORD,
            role=MemberRole.INSPECTOR,
            full_name="Inspector",
        )
    )
    AgencyProfile.objects.create(
        organization=agency.organization,
        accreditation="ISO/IEC 17020:2012 Type A",
        accreditation_body=body,
        accreditation_number=f"IB-{abs(hash(name)) % 10000:04d}",
        accredited_until=clock.today() + timedelta(days=540),
        countries=["CN", "VN"],
        fee_usd=fee_usd,
    )
    return agency, inspector_actor


def _inspected(supplier: Actor, buyer: Actor, title: str, product: str, agency: Actor, ready_in: int) -> str:
    assert buyer.organization is not None
    terms = services.OrderTerms(
        title=title,
        currency="USD",
        incoterm="FOB",
        named_place="Shenzhen",
        lines=[base._line(product, "2000", "pcs", 1_250, "CE/RoHS, carton of 20")],
        ship_by_date=clock.today() + timedelta(days=45),
        inspection_required=True,
    )
    order = services.order_create(actor=supplier, counterparty_id=buyer.organization.id, terms=terms)
    services.order_confirm(actor=supplier, order_id=order.id)
    services.order_confirm(actor=buyer, order_id=order.id)
    paying.order_pay(actor=buyer, order_id=order.id, method="card", card=base.VISA)
    assert agency.organization is not None
    inspection = booking.visit_request(
        actor=supplier,
        order_id=order.id,
        request=booking.VisitRequest(
            lot_size=2000,
            packed_percent=90,
            ready_date=clock.today() + timedelta(days=ready_in),
            site_address="Bldg 3, Bright Industrial Park, Bao'an, Shenzhen",
            agency_id=agency.organization.id,
        ),
    )
    booking.fee_pay(actor=buyer, inspection_id=inspection.id, card=base.VISA)
    return inspection.id


def _file(inspector: Actor, agency: Actor, inspection_id: str, major: int) -> None:
    assert agency.organization is not None and inspector.user is not None
    booking.visit_schedule(
        actor=agency, inspection_id=inspection_id, visit_date=clock.today(), inspector_id=inspector.user.id
    )
    photo = file_store(
        data=DEMO_PHOTO,
        name="cartons.png",
        purpose=reports.PHOTO_PURPOSE,
        organization=agency.organization,
        uploaded_by=inspector.user,
    )
    reports.report_file(
        actor=inspector,
        inspection_id=inspection_id,
        report=reports.ReportInput(
            critical_found=0,
            major_found=major,
            minor_found=4,
            summary="125 units drawn from 25 cartons; function, appearance and packing checked.",
            photo_ids=[photo.id],
        ),
    )


@transaction.atomic
def seed_inspections() -> None:
    acme = _actor("buyer@acme-imports.example")
    bright = _actor("sales@shenzhen-bright.example")
    aqi, aqi_inspector = _agency(
        "Asia Quality Inspection Ltd.",
        "CN",
        "bookings@aqi-inspect.example",
        "inspector@aqi-inspect.example",
        "CNAS",
        29_900,
    )
    _agency("EuroCert Testing GmbH", "DE", "auftrag@eurocert.example", "pruefer@eurocert.example", "DAkkS", 45_000)
    # Booked and paid: the agency schedules it and the inspector files the report.
    _inspected(bright, acme, "LED tubes — inspection booked", "LED tube T8 18 W", aqi, ready_in=2)
    # Passed: the order carries the quality mark and may ship.
    passed = _inspected(bright, acme, "Panel lights — passed inspection", "LED panel 30x120 cm", aqi, ready_in=0)
    _file(aqi_inspector, aqi, passed, major=2)
    # Failed: the buyer decides between accepting, rework and a refund.
    failed = _inspected(bright, acme, "Floodlights — failed inspection", "Floodlight 100 W", aqi, ready_in=0)
    _file(aqi_inspector, aqi, failed, major=11)
