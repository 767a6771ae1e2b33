"""Crafted records for credit tests: orders in any state, inspections, written straight to the tables."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from tradeshield.inspections.models import Inspection, InspectionStatus
from tradeshield.kit import clock
from tradeshield.orders.models import Order
from tradeshield.organizations import services as orgs
from tradeshield.organizations.models import Organization, OrgKind


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
