"""Expiry notices and automatic suspension, swept by a periodic worker task.

For the approved application of each supplier, every dated item (business license, production
licenses, certifications, documents with an expiry date) gets a notice when it is 30 days and 7 days
from its end, and one when it has ended. Each (item, end date, threshold) is inserted once into
`supplier_expiry_notice` (`ON CONFLICT DO NOTHING`), in the same transaction as its event, so a sweep
that runs twice or on two workers notifies once. A business license that has ended suspends the
supplier's eligibility: orders are refused (the check reads the date, so the suspension does not wait
for the sweep); the sweep's `qualification.suspended` event tells the supplier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction

from tradeshield.kit import clock
from tradeshield.suppliers.models import (
    ApplicationStatus,
    Certification,
    ExpiryNotice,
    ProductionLicense,
    SupplierApplication,
    SupplierDocument,
)
from tradeshield.suppliers.services import record_event

THRESHOLDS = (30, 7, 0)
BATCH = 200


@dataclass(frozen=True)
class Item:
    kind: str
    id: str
    label: str
    valid_to: date


def _items(application: SupplierApplication) -> list[Item]:
    items = [Item("business_license", application.id, application.license_number, application.license_valid_to)]
    items += [
        Item("production_license", lic.id, lic.number, lic.valid_to)
        for lic in ProductionLicense.objects.filter(application=application)
    ]
    items += [
        Item("certification", cert.id, f"{cert.standard} {cert.number}", cert.valid_to)
        for cert in Certification.objects.filter(application=application)
    ]
    items += [
        Item("document", doc.id, doc.title, doc.valid_to)
        for doc in SupplierDocument.objects.filter(application=application, valid_to__isnull=False)
        if doc.valid_to is not None
    ]
    return items


def _due_threshold(item: Item, today: date) -> int | None:
    """The tightest threshold reached: an item found 5 days before its end gets the 7-day notice only."""
    left = (item.valid_to - today).days
    if left < 0:
        return 0
    reached = [t for t in THRESHOLDS if t > 0 and left <= t]
    return min(reached) if reached else None


def _claim(supplier_id: str, item: Item, threshold: int) -> bool:
    table = ExpiryNotice._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (supplier_id, item_kind, item_id, valid_to, threshold_days, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING id",
            [supplier_id, item.kind, item.id, item.valid_to, threshold, clock.now()],
        )
        return cur.fetchone() is not None


def _sweep_one(application_id: str, today: date) -> int:
    with transaction.atomic():
        application = (
            SupplierApplication.objects.select_for_update(skip_locked=True)
            .filter(pk=application_id, status=ApplicationStatus.APPROVED)
            .first()
        )
        if application is None:
            return 0
        sent = 0
        for item in _items(application):
            threshold = _due_threshold(item, today)
            if threshold is None or not _claim(application.supplier_id, item, threshold):
                continue
            sent += 1
            details: dict[str, Any] = {
                "item_kind": item.kind,
                "item_id": item.id,
                "label": item.label,
                "valid_to": item.valid_to.isoformat(),
                "days_left": max((item.valid_to - today).days, 0),
            }
            if threshold == 0 and item.kind == "business_license":
                kind = "qualification.suspended"
            elif threshold == 0:
                kind = "qualification.item_expired"
            else:
                kind = "qualification.expiring"
            record_event(application.supplier_id, kind, None, application=application, **details)
        return sent


def expiry_sweep(today: date | None = None) -> int:
    """Notices due today for every approved application whose items end within 30 days (or ended).
    One transaction per application, so one supplier's failure holds up no other."""
    today = today or clock.today()
    horizon = today + timedelta(days=max(THRESHOLDS))
    candidates = set(
        SupplierApplication.objects.filter(
            status=ApplicationStatus.APPROVED, license_valid_to__lte=horizon
        ).values_list("id", flat=True)
    )
    for model in (ProductionLicense, Certification, SupplierDocument):
        candidates |= set(
            model.objects.filter(application__status=ApplicationStatus.APPROVED, valid_to__lte=horizon).values_list(
                "application_id", flat=True
            )
        )
    return sum(_sweep_one(application_id, today) for application_id in sorted(candidates))
