"""Reads for credit: the supplier directory (search, filters, sorts, keyset pages) and a supplier's
public page (profile, standing, current rating breakdown, history).

Everything here is public to any signed-in organization or staff member: it shows only what a
supplier's directory page shows (no members, no order ids, no buyers, no exact order value)."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tradeshield.credit.errors import DirectoryQueryInvalid, SupplierNotFound
from tradeshield.credit.models import Category, CreditRating, CreditStanding, SupplierProfile
from tradeshield.credit.rating import GRADE_RANK
from tradeshield.kit import clock
from tradeshield.kit.http import DEFAULT_LIMIT, MAX_LIMIT
from tradeshield.organizations.actors import Actor
from tradeshield.organizations.models import Organization, OrgKind

SORTS = ("grade", "rating", "response_rate")
MAX_KEYWORD = 100
MAX_PAGE = 500
HISTORY_LIMIT = 400
_COUNTRY = re.compile(r"^[A-Z]{2}$")

# Sort keys, all descending, ties broken by id (descending) so a keyset cursor is exact.
_SORT_KEYS: dict[str, tuple[str, str]] = {
    "grade": ("s.grade_rank::numeric", "s.score::numeric"),
    "rating": ("coalesce(s.review_average, 0)", "s.review_count::numeric"),
    "response_rate": ("coalesce(s.response_rate, -1)", "s.score::numeric"),
}


@dataclass(frozen=True)
class DirectoryQuery:
    keyword: str = ""
    category: str = ""
    country: str = ""
    certification: str = ""
    verified: bool = False
    min_grade: str = ""
    min_rating: Decimal | None = None
    sort: str = "grade"


@dataclass(frozen=True)
class DirectoryEntry:
    id: str
    name: str
    country: str
    categories: list[str]
    main_products: str
    score: int
    grade: str
    review_average: Decimal | None
    review_count: int
    response_rate: Decimal | None
    verified_until: date | None
    certifications: list[str]
    inspected_pass_rate: Decimal | None
    inspected_orders: int
    member_since: datetime
    keys: tuple[Any, ...] = field(default=(), compare=False)

    @property
    def verified(self) -> bool:
        # verified_until is the day the badge lapses, as in suppliers.selectors
        return self.verified_until is not None and self.verified_until > clock.today()


def _bad(message: str, field: str, code: str = "invalid_search") -> DirectoryQueryInvalid:
    return DirectoryQueryInvalid(message, field=field, code=code)


def parse_query(params: dict[str, Any]) -> DirectoryQuery:
    """Validate raw parameters (from a query string or a form): anything out of range is a 422."""

    def text(name: str) -> str:
        value = params.get(name)
        return "" if value is None else str(value).strip()

    keyword = text("q")
    if len(keyword) > MAX_KEYWORD:
        raise _bad(
            ngettext(
                "A keyword has at most %(max)s character.", "A keyword has at most %(max)s characters.", MAX_KEYWORD
            )
            % {"max": MAX_KEYWORD},
            "q",
        )
    category = text("category")
    if category and category not in Category.values:
        raise _bad(_("Unknown category %(category)s.") % {"category": repr(category)}, "category", "unknown_category")
    country = text("country").upper()
    if country and not _COUNTRY.match(country):
        raise _bad(_("A country is an ISO 3166-1 alpha-2 code, e.g. CN."), "country")
    certification = text("certification")
    if len(certification) > 40:
        raise _bad(_("A certification name has at most 40 characters."), "certification")
    verified_raw = text("verified").lower()
    if verified_raw not in ("", "true", "false", "1", "0", "on", "yes", "no"):
        raise _bad(_("verified is true or false."), "verified")
    min_grade = text("min_grade").upper()
    if min_grade and min_grade not in GRADE_RANK:
        raise _bad(
            _("Unknown grade %(grade)s; one of %(grades)s.")
            % {"grade": repr(min_grade), "grades": ", ".join(GRADE_RANK)},
            "min_grade",
            "unknown_grade",
        )
    min_rating: Decimal | None = None
    if text("min_rating"):
        try:
            min_rating = Decimal(text("min_rating"))
        except InvalidOperation:
            raise _bad(_("min_rating is a number from 1 to 5."), "min_rating") from None
        if not min_rating.is_finite() or not Decimal(1) <= min_rating <= Decimal(5):
            raise _bad(_("min_rating is a number from 1 to 5."), "min_rating")
    sort = text("sort") or "grade"
    if sort not in SORTS:
        raise _bad(_("sort is one of %(sorts)s.") % {"sorts": ", ".join(SORTS)}, "sort")
    return DirectoryQuery(
        keyword=keyword,
        category=category,
        country=country,
        certification=certification,
        verified=verified_raw in ("true", "1", "on", "yes"),
        min_grade=min_grade,
        min_rating=min_rating,
        sort=sort,
    )


def parse_limit(raw: Any) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except (TypeError, ValueError):
        raise _bad(_("limit is a whole number."), "limit") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise _bad(_("limit is from 1 to %(max)s.") % {"max": MAX_LIMIT}, "limit")
    return limit


def parse_page(raw: Any) -> int:
    if raw is None or raw == "":
        return 1
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise _bad(_("page is a whole number."), "page") from None
    if not 1 <= number <= MAX_PAGE:
        raise _bad(_("page is from 1 to %(max)s.") % {"max": MAX_PAGE}, "page")
    return number


def encode_cursor(entry: DirectoryEntry) -> str:
    keys = [str(k) for k in entry.keys]
    return base64.urlsafe_b64encode(json.dumps(keys).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[Decimal, Decimal, str]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        k1, k2, supplier_id = raw
        return Decimal(k1), Decimal(k2), str(supplier_id)
    except (ValueError, TypeError, InvalidOperation, json.JSONDecodeError):
        raise _bad(_("This cursor is not one the directory returned."), "cursor", "invalid_cursor") from None


_WORD = re.compile(r"\w+")


def tsquery(keyword: str) -> str:
    """Every word of the keyword, each also as a prefix ("led pan" finds "LED panels")."""
    return " & ".join(f"'{word}':*" for word in _WORD.findall(keyword.lower())[:10])


def directory_search(
    actor: Actor | None, query: DirectoryQuery, *, limit: int, cursor: str | None = None, offset: int = 0
) -> list[DirectoryEntry]:
    """Rated suppliers matching the query, best first; fetch limit + 1 to know if there is more."""
    k1, k2 = _SORT_KEYS[query.sort]
    where = ["o.kind = %(kind)s"]
    params: dict[str, Any] = {"kind": OrgKind.SUPPLIER, "limit": limit, "offset": offset}
    if query.keyword and tsquery(query.keyword):
        where.append("to_tsvector('simple'::regconfig, p.search_text) @@ to_tsquery('simple'::regconfig, %(tsq)s)")
        params["tsq"] = tsquery(query.keyword)
    if query.category:
        where.append("p.categories @> ARRAY[%(category)s]::varchar[]")
        params["category"] = query.category
    if query.country:
        where.append("o.country = %(country)s")
        params["country"] = query.country
    if query.certification:
        where.append("s.certifications @> ARRAY[%(cert)s]::varchar[]")
        params["cert"] = query.certification
    if query.verified:
        where.append("s.verified_until > %(today)s")
        params["today"] = clock.today()
    if query.min_grade:
        where.append("s.grade_rank >= %(rank)s")
        params["rank"] = GRADE_RANK[query.min_grade]
    if query.min_rating is not None:
        where.append("s.review_average >= %(min_rating)s")
        params["min_rating"] = query.min_rating
    if cursor:
        c1, c2, cid = _decode_cursor(cursor)
        where.append(f"({k1}, {k2}, o.id) < (%(c1)s, %(c2)s, %(cid)s)")
        params.update(c1=c1, c2=c2, cid=cid)
    sql = f"""
        SELECT o.id, o.name, o.country, p.categories, p.main_products, s.score, s.grade, s.review_average,
               s.review_count, s.response_rate, s.verified_until, s.certifications, s.inspected_pass_rate,
               s.inspected_orders, o.created_at, {k1} AS k1, {k2} AS k2
        FROM credit_standing s
        JOIN organization o ON o.id = s.supplier_id
        JOIN credit_supplier_profile p ON p.organization_id = s.supplier_id
        WHERE {" AND ".join(where)}
        ORDER BY k1 DESC, k2 DESC, o.id DESC
        LIMIT %(limit)s OFFSET %(offset)s
    """
    with connection.cursor() as db:
        db.execute(sql, params)
        rows = db.fetchall()
    return [
        DirectoryEntry(
            id=r[0],
            name=r[1],
            country=r[2],
            categories=list(r[3] or []),
            main_products=r[4],
            score=r[5],
            grade=r[6],
            review_average=r[7],
            review_count=r[8],
            response_rate=r[9],
            verified_until=r[10],
            certifications=list(r[11] or []),
            inspected_pass_rate=r[12],
            inspected_orders=r[13],
            member_since=r[14],
            keys=(r[15], r[16], r[0]),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class SupplierCard:
    organization: Organization
    profile: SupplierProfile | None
    standing: CreditStanding | None
    rating: CreditRating | None


def supplier_get(actor: Actor | None, supplier_id: str) -> SupplierCard:
    """A supplier's public page; anything that is not a supplier organization is a 404."""
    org = Organization.objects.filter(pk=supplier_id, kind=OrgKind.SUPPLIER).first()
    if org is None:
        raise SupplierNotFound(_("No such supplier."))
    profile = SupplierProfile.objects.filter(organization=org).first()
    standing = CreditStanding.objects.select_related("rating").filter(supplier=org).first()
    return SupplierCard(
        organization=org, profile=profile, standing=standing, rating=standing.rating if standing else None
    )


def rating_history(actor: Actor | None, supplier_id: str, *, limit: int = HISTORY_LIMIT) -> list[CreditRating]:
    """Oldest first (for a chart); at most `limit` most recent entries."""
    supplier_get(actor, supplier_id)
    recent = list(CreditRating.objects.filter(supplier_id=supplier_id).order_by("-computed_at", "-id")[:limit])
    return list(reversed(recent))
