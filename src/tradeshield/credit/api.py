"""Directory and credit endpoints: thin wrappers around selectors and services."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from tradeshield.credit import services
from tradeshield.credit.errors import NotASupplier, SupplierNotFound
from tradeshield.credit.models import SupplierProfile
from tradeshield.credit.render import render_card, render_entry, render_history_point, render_rating
from tradeshield.credit.schemas import (
    DirectoryEntryOut,
    ProfileIn,
    ProfileOut,
    RatingHistoryOut,
    RatingOut,
    SupplierCardOut,
)
from tradeshield.credit.selectors import (
    directory_search,
    encode_cursor,
    parse_limit,
    parse_query,
    rating_history,
    supplier_get,
)
from tradeshield.kit.http import page
from tradeshield.kit.schemas import ERROR_RESPONSES, Page
from tradeshield.organizations.auth import API_AUTH, actor_of

router = Router(tags=["directory"], auth=API_AUTH)
ERRORS = ERROR_RESPONSES


@router.get(
    "/suppliers/directory",
    response={200: Page[DirectoryEntryOut], **ERRORS},
    summary="Search rated suppliers by keyword, category, country, certification, badge, grade and rating",
)
def directory(
    request: HttpRequest,
    q: str | None = None,
    category: str | None = None,
    country: str | None = None,
    certification: str | None = None,
    verified: str | None = None,
    min_grade: str | None = None,
    min_rating: str | None = None,
    sort: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> dict[str, Any]:
    actor = actor_of(request)
    query = parse_query(
        {
            "q": q,
            "category": category,
            "country": country,
            "certification": certification,
            "verified": verified,
            "min_grade": min_grade,
            "min_rating": min_rating,
            "sort": sort,
        }
    )
    size = parse_limit(limit)
    entries = directory_search(actor, query, limit=size + 1, cursor=cursor or None)
    return page(entries, size, encode_cursor, render_entry)


@router.get(
    "/suppliers/directory/{supplier_id}",
    response={200: SupplierCardOut, **ERRORS},
    summary="A supplier's directory page: profile, badges, certifications, rating breakdown",
)
def supplier_card(request: HttpRequest, supplier_id: str) -> dict[str, Any]:
    return render_card(supplier_get(actor_of(request), supplier_id))


@router.get(
    "/suppliers/{supplier_id}/rating",
    response={200: RatingOut, **ERRORS},
    summary="The supplier's current credit rating with each factor's contribution",
)
def rating(request: HttpRequest, supplier_id: str) -> dict[str, Any]:
    card = supplier_get(actor_of(request), supplier_id)
    if card.rating is None:
        raise SupplierNotFound(_("This supplier has not been rated yet."), code="rating_not_found")
    return render_rating(card.rating)


@router.get(
    "/suppliers/{supplier_id}/rating/history",
    response={200: RatingHistoryOut, **ERRORS},
    summary="Every change of the supplier's score, oldest first (at most the last 400)",
)
def history(request: HttpRequest, supplier_id: str) -> dict[str, Any]:
    return {"data": [render_history_point(r) for r in rating_history(actor_of(request), supplier_id)]}


def _profile_out(profile: SupplierProfile) -> dict[str, Any]:
    return {
        "supplier_id": profile.organization_id,
        "description": profile.description,
        "categories": profile.categories,
        "main_products": profile.main_products,
        "updated_at": profile.updated_at,
    }


@router.get("/directory-profile", response={200: ProfileOut, **ERRORS}, summary="Your supplier's directory profile")
def profile_get(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    if actor.organization is None or not actor.is_supplier_org:
        raise NotASupplier(_("Only a supplier organization has a directory profile."))
    profile = SupplierProfile.objects.filter(organization=actor.organization).first()
    return _profile_out(profile or SupplierProfile(organization=actor.organization))


@router.put(
    "/directory-profile",
    response={200: ProfileOut, **ERRORS},
    summary="Describe your supplier for the directory (description, categories, main products)",
)
def profile_put(request: HttpRequest, payload: ProfileIn) -> dict[str, Any]:
    profile = services.profile_update(
        actor=actor_of(request),
        description=payload.description,
        categories=payload.categories,
        main_products=payload.main_products,
    )
    return _profile_out(profile)
