"""Applications, visits and trust facts as the API returns them (the web pages use the same dicts)."""

from __future__ import annotations

from typing import Any

from tradeshield.organizations.models import Organization
from tradeshield.suppliers.models import CheckItem, SupplierApplication, Verification
from tradeshield.suppliers.selectors import BADGE_MONTHS, TrustFacts, add_months


def render_checklist(application: SupplierApplication) -> list[dict[str, Any]]:
    saved = application.checklist or {}
    return [
        {
            "item": item.value,
            "label": str(item.label),
            "ok": bool(saved.get(item.value, {}).get("ok")),
            "note": str(saved.get(item.value, {}).get("note", "")),
        }
        for item in CheckItem
    ]


def render_application(application: SupplierApplication) -> dict[str, Any]:
    return {
        "id": application.id,
        "supplier_id": application.supplier_id,
        "supplier_name": application.supplier.name,
        "status": application.status,
        "license_number": application.license_number,
        "license_country": application.license_country,
        "license_valid_from": application.license_valid_from,
        "license_valid_to": application.license_valid_to,
        "company_description": application.company_description,
        "production_licenses": [
            {
                "id": lic.id,
                "number": lic.number,
                "issued_by": lic.issued_by,
                "scope": lic.scope,
                "valid_from": lic.valid_from,
                "valid_to": lic.valid_to,
            }
            for lic in application.production_licenses.order_by("id")
        ],
        "certifications": [
            {
                "id": c.id,
                "standard": c.standard,
                "number": c.number,
                "body": c.body,
                "scope": c.scope,
                "valid_from": c.valid_from,
                "valid_to": c.valid_to,
            }
            for c in application.certifications.order_by("id")
        ],
        "documents": [
            {
                "id": d.id,
                "kind": d.kind,
                "title": d.title,
                "content_type": d.file.content_type,
                "size": d.file.size,
                "sha256": d.file.sha256,
                "valid_to": d.valid_to,
                "created_at": d.created_at,
            }
            for d in application.documents.select_related("file").order_by("id")
        ],
        "checklist": render_checklist(application),
        "decision_reasons": application.decision_reasons,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
        "approved_at": application.approved_at,
        "history": [
            {"kind": e.kind, "actor": e.actor, "reasons": e.reasons, "created_at": e.created_at}
            for e in application.events.order_by("id")
        ],
        "created_at": application.created_at,
        "updated_at": application.updated_at,
    }


def render_verification(visit: Verification) -> dict[str, Any]:
    return {
        "id": visit.id,
        "supplier_id": visit.supplier_id,
        "supplier_name": visit.supplier.name,
        "agency_id": visit.agency_id,
        "agency_name": visit.agency.name,
        "status": visit.status,
        "requested_by": visit.requested_by,
        "planned_date": visit.planned_date,
        "visited_on": visit.visited_on,
        "verified_until": add_months(visit.visited_on, BADGE_MONTHS) if visit.visited_on else None,
        "factory_address": visit.factory_address,
        "latitude": None if visit.latitude is None else str(visit.latitude),
        "longitude": None if visit.longitude is None else str(visit.longitude),
        "staff_count": visit.staff_count,
        "annual_capacity": visit.annual_capacity,
        "findings": visit.findings,
        "equipment": [
            {"name": e.name, "quantity": e.quantity, "capacity": e.capacity} for e in visit.equipment.order_by("id")
        ],
        "photos": [
            {
                "id": p.id,
                "kind": p.kind,
                "caption": p.caption,
                "content_type": p.file.content_type,
                "size": p.file.size,
                "sha256": p.file.sha256,
            }
            for p in visit.photos.select_related("file").order_by("id")
        ],
        "reported_at": visit.reported_at,
        "created_at": visit.created_at,
        "updated_at": visit.updated_at,
    }


def render_trust(org: Organization, facts: TrustFacts) -> dict[str, Any]:
    return {
        "supplier_id": org.pk,
        "name": org.name,
        "country": org.country,
        "qualification_status": facts.status,
        "approved_at": facts.approved_at,
        "license_valid_to": facts.license_valid_to,
        "certifications": facts.certifications,
        "verified": facts.verified,
        "verified_at": facts.verified_at,
        "verified_until": facts.verified_until,
    }
