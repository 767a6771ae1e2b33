"""The supplier directory (search with filters, numbered pages) and a supplier's public page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tradeshield.credit.errors import DirectoryQueryInvalid, SupplierNotFound
from tradeshield.credit.models import Category
from tradeshield.credit.rating import GRADE_BANDS
from tradeshield.credit.render import render_card, render_history_point
from tradeshield.credit.selectors import (
    SORTS,
    directory_search,
    parse_page,
    parse_query,
    rating_history,
    supplier_get,
)
from tradeshield.organizations.models import Organization
from tradeshield.reviews import selectors as reviews
from tradeshield.web.views.common import actor_of
from tradeshield.web.views.qualification import trust_context

PAGE_SIZE = 20
LATEST_REVIEWS = 3  # on the supplier's page; the rest at /suppliers/<id>/reviews/
FILTERS = ("q", "category", "country", "certification", "verified", "min_grade", "min_rating", "sort")


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    context: dict[str, Any] = {
        "categories": Category.choices,
        "grades": [g for g, _low in GRADE_BANDS],
        "sorts": [("grade", _("Grade")), ("rating", _("Rating")), ("response_rate", _("Response rate"))],
        "values": {name: request.GET.get(name, "") for name in FILTERS},
        "entries": [],
        "page": 1,
    }
    try:
        query = parse_query({name: request.GET.get(name) for name in FILTERS})
        number = parse_page(request.GET.get("page"))
    except DirectoryQueryInvalid as error:
        labels = {
            "q": _("Keyword"),
            "category": _("Category"),
            "country": _("Country (ISO code)"),
            "certification": _("Certification"),
            "verified": _("Verified on site"),
            "min_grade": _("Minimum grade"),
            "min_rating": _("Minimum rating (1–5)"),  # noqa: RUF001 - the form's label
            "sort": _("Sort by"),
            "page": _("Page number"),
        }
        context["error"] = _("“%(field)s” is out of range; nothing was searched.") % {
            "field": labels.get(error.field or "", error.field)
        }
        return render(request, "web/suppliers/directory.html", context, status=400)
    entries = directory_search(actor, query, limit=PAGE_SIZE + 1, offset=(number - 1) * PAGE_SIZE)
    params = request.GET.copy()
    params.pop("page", None)
    context.update(
        entries=entries[:PAGE_SIZE],
        page=number,
        has_next=len(entries) > PAGE_SIZE,
        query_string=params.urlencode(),
    )
    assert set(SORTS) == {key for key, _label in context["sorts"]}
    return render(request, "web/suppliers/directory.html", context)


@login_required
def supplier_page(request: HttpRequest, supplier_id: str) -> HttpResponse:
    actor = actor_of(request)
    try:
        card = render_card(supplier_get(actor, supplier_id))
    except SupplierNotFound as error:
        raise Http404(error.message) from error
    history = [render_history_point(r) for r in rating_history(actor, supplier_id)]
    chart = {
        "labels": [p["computed_at"].date().isoformat() for p in history],
        "values": [p["score"] for p in history],
        "label": _("Credit score"),
        "max": 100,
    }
    factors = card["rating"]["factors"] if card["rating"] else []
    contribution = {
        "labels": [f["label"] for f in factors if f["available"]],
        "values": [float(f["points"]) for f in factors if f["available"]],
        "label": _("Points"),
    }
    return render(
        request,
        "web/suppliers/profile.html",
        {
            "card": card,
            "history": history,
            "history_chart": chart,
            "contribution_chart": contribution,
            "coverage_usd": f"{card['rating']['coverage_limit']['amount'] // 100:,}" if card["rating"] else "",
            "trust": trust_context(Organization.objects.get(pk=card["id"])),
            "latest_reviews": reviews.supplier_reviews(card["id"], limit=LATEST_REVIEWS),
        },
    )
