"""Crafted records for credit tests: orders in any state and inspections written straight to the
tables; qualification, verification, reviews and inquiries through their apps' services."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from tradeshield.disputes.models import Dispute
from tradeshield.inspections.models import Inspection, InspectionStatus
from tradeshield.kit import clock
from tradeshield.messaging import services as messaging
from tradeshield.messaging.models import Thread
from tradeshield.orders.models import Order
from tradeshield.organizations import services as orgs
from tradeshield.organizations.actors import Actor
from tradeshield.organizations.models import Organization, OrgKind
from tradeshield.reviews import services as reviews
from tradeshield.reviews.models import Review
from tradeshield.suppliers import verification
from tradeshield.suppliers.fixtures import qualify
from tradeshield.suppliers.models import Verification
from tradeshield.suppliers.services import CertificationInput


def make_order(
    buyer: Organization,
    supplier: Organization,
    *,
    status: str = "completed",
    amount: int = 100_000,
    currency: str = "USD",
    incoterm: str = "FOB",
    deadline: date | None = None,
    shipped_at: datetime | None = None,
    delivered_at: datetime | None = None,
    updated_at: datetime | None = None,
) -> Order:
    return Order.objects.create(
        buyer=buyer,
        supplier=supplier,
        initiated_by="supplier",
        title="Crafted order",
        currency=currency,
        incoterm=incoterm,
        named_place="Shenzhen",
        ship_by_date=deadline or clock.today(),
        ship_deadline=deadline,
        status=status,
        total_amount=amount,
        shipped_at=shipped_at,
        delivered_at=delivered_at,
        updated_at=updated_at or clock.now(),
    )


def make_inspection(order: Order, agency: Organization, *, passed: bool, reinspection: bool = False) -> Inspection:
    return Inspection.objects.create(
        order=order,
        agency=agency,
        is_reinspection=reinspection,
        status=InspectionStatus.PASSED if passed else InspectionStatus.FAILED,
        level="II",
        aql_critical=0,
        aql_major="2.5",
        aql_minor="4.0",
        lot_size=500,
        packed_percent=100,
        ready_date=clock.today(),
        site_address="Factory 1",
        fee_payer="buyer",
        fee_amount=29_900,
        currency="USD",
    )


def make_supplier(name: str = "", country: str = "CN", **fields: Any) -> Organization:
    org = orgs.organization_create(
        name=name or f"Supplier {uuid.uuid4().hex[:6]}", kind=OrgKind.SUPPLIER, country=country
    )
    if fields:
        Organization.objects.filter(pk=org.pk).update(**fields)
        org.refresh_from_db()
    return org


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=clock.now().tzinfo)


def months_ago(months: int, days: int = 5) -> datetime:
    now = clock.now()
    year, month = divmod(now.month - 1 - months, 12)
    return now.replace(year=now.year + year, month=month + 1, day=min(now.day, 28)) - timedelta(days=days)


# --- Real records of the apps above orders, written through their services ---------------------


def org_actor(org: Organization) -> Actor:
    """An organization acting through an API key (the owner's permissions)."""
    return Actor(user=None, organization=org, role="api_key", via="fixture")


def qualify_with_certifications(supplier: Organization, *standards: str) -> None:
    """An approved application (valid business license) carrying one certification per standard."""
    today = clock.today()
    certs = [
        CertificationInput(
            standard=s,
            number=f"C-{i}",
            body="SGS",
            valid_from=today - timedelta(days=30),
            valid_to=today + timedelta(days=700),
        )
        for i, s in enumerate(standards)
    ]
    qualify(supplier, certifications=certs)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def verify_on_site(supplier: Organization, agency: Organization, *, visited_on: date) -> Verification:
    """A verification visit requested by the supplier, accepted, photographed and reported by the agency."""
    agent = org_actor(agency)
    visit = verification.verification_request(actor=org_actor(supplier), agency_id=agency.pk)
    verification.verification_accept(actor=agent, verification_id=visit.pk, planned_date=clock.today())
    verification.photo_add(actor=agent, verification_id=visit.pk, kind="factory", data=PNG, name="factory.png")
    report = verification.ReportInput(
        visited_on=visited_on,
        factory_address="1 Industrial Road, Ningbo",
        latitude="29.868336",
        longitude="121.543990",
        staff_count=120,
        annual_capacity="1,000,000 pcs",
        findings="Factory as described.",
    )
    return verification.verification_report(actor=agent, verification_id=visit.pk, report=report)


def review(buyer: Organization, order: Order, quality: int, delivery: int, service: int) -> Review:
    return reviews.review_create(
        actor=org_actor(buyer), order_id=order.pk, product_quality=quality, delivery_time=delivery, service=service
    )


def inquiry(buyer: Organization, supplier: Organization, at_: datetime, reply_after: timedelta | None) -> Thread:
    """An inquiry received at `at_`, answered by the supplier `reply_after` later (or never)."""
    with clock.frozen_at(at_):
        thread = messaging.inquiry_create(
            actor=org_actor(buyer), supplier_id=supplier.pk, subject="Quote", body="How much?"
        )
    if reply_after is not None:
        with clock.frozen_at(at_ + reply_after):
            messaging.inquiry_reply(actor=org_actor(supplier), thread_id=thread.pk, body="This much.")
    return thread


def make_dispute(order: Order, *, status: str, outcome: str = "", buyer_amount: int | None = None) -> Dispute:
    """A dispute row in a given end state (the disputes app's own tests drive the services)."""
    now = clock.now()
    return Dispute.objects.create(
        order=order,
        buyer_id=order.buyer_id,
        supplier_id=order.supplier_id,
        stage="post_sales",
        reason="quality",
        remedy="partial_refund",
        description="Scratched panels.",
        currency=order.currency,
        disputed_amount=order.total_amount,
        requested_amount=order.total_amount // 2,
        offer_amount=order.total_amount // 2,
        offer_remedy="partial_refund",
        supplier_respond_by=now + timedelta(days=3),
        buyer_may_escalate_at=now + timedelta(days=3),
        auto_escalate_at=now + timedelta(days=7),
        status=status,
        outcome=outcome,
        decision_buyer_amount=buyer_amount,
        decision_supplier_amount=None if buyer_amount is None else order.total_amount - buyer_amount,
    )
