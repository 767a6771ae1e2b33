"""Turning credit rows into what the API and the pages show (the same shapes for both)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tradeshield.credit.models import Category, CreditRating
from tradeshield.credit.rating import FACTOR_BY_KEY, GRADE_BANDS
from tradeshield.credit.selectors import DirectoryEntry, SupplierCard
from tradeshield.kit.schemas import money

# Completed order value is shown as a band, not the exact figure: a buyer learns the scale of a
# supplier's business, not its revenue.
VOLUME_BANDS_USD = (1_000_000, 100_000, 10_000, 1_000, 0)


def volume_band(usd: int) -> str:
    low = next(b for b in VOLUME_BANDS_USD if usd >= b)
    return f"{low:,}+" if low else "0+"


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.4f}"


def public_raw(key: str, raw: dict[str, Any] | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    if key == "volume":
        return {"usd_band": volume_band(int(raw.get("usd") or 0))}
    return raw


def render_factors(factors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for item in factors:
        factor = FACTOR_BY_KEY.get(item["key"])
        out.append(
            {
                "key": item["key"],
                "label": str(factor.label) if factor else item["key"],
                "available": bool(item["available"]),
                "weight": int(item["weight"]),
                "share": f"{Decimal(str(item['share'])):.2f}",
                "points": f"{Decimal(str(item['points'])):.2f}",
                "raw": public_raw(item["key"], item["raw"]),
            }
        )
    return out


def render_rating(rating: CreditRating) -> dict[str, Any]:
    return {
        "supplier_id": rating.supplier_id,
        "score": rating.score,
        "grade": rating.grade,
        "computed_at": rating.computed_at,
        "coverage_limit": money(rating.coverage_limit_usd, "USD"),
        "factors": render_factors(rating.factors),
        "grade_bands": [{"grade": g, "min_score": low} for g, low in GRADE_BANDS],
    }


def render_history_point(rating: CreditRating) -> dict[str, Any]:
    return {"score": rating.score, "grade": rating.grade, "computed_at": rating.computed_at}


def render_entry(entry: DirectoryEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "name": entry.name,
        "country": entry.country,
        "categories": entry.categories,
        "main_products": entry.main_products,
        "score": entry.score,
        "grade": entry.grade,
        "review_average": _rate(entry.review_average) if entry.review_count else None,
        "review_count": entry.review_count,
        "response_rate": _rate(entry.response_rate),
        "verified": entry.verified,
        "verified_until": entry.verified_until,
        "certifications": entry.certifications,
        "inspected_pass_rate": _rate(entry.inspected_pass_rate),
        "inspected_orders": entry.inspected_orders,
        "member_since": entry.member_since,
    }


def render_card(card: SupplierCard) -> dict[str, Any]:
    org, profile, standing = card.organization, card.profile, card.standing
    return {
        "id": org.id,
        "name": org.name,
        "country": org.country,
        "description": profile.description if profile else "",
        "categories": [{"key": c, "label": str(Category(c).label)} for c in (profile.categories if profile else [])],
        "main_products": profile.main_products if profile else "",
        "member_since": org.created_at,
        "rating": render_rating(card.rating) if card.rating else None,
        "review_average": _rate(standing.review_average) if standing and standing.review_count else None,
        "review_count": standing.review_count if standing else 0,
        "response_rate": _rate(standing.response_rate) if standing else None,
        "inspected_pass_rate": _rate(standing.inspected_pass_rate) if standing else None,
        "inspected_orders": standing.inspected_orders if standing else 0,
        "verified_until": standing.verified_until if standing else None,
        "certifications": standing.certifications if standing else [],
    }
