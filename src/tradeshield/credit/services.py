"""Writes for credit: refreshing ratings (all suppliers or some), deferring a refresh, the profile."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tradeshield.credit import rating
from tradeshield.credit.errors import NotASupplier, ProfileInvalid
from tradeshield.credit.models import Category, SupplierProfile
from tradeshield.kit import clock, jobs
from tradeshield.organizations.actors import Actor

REFRESH_TASK = jobs.CREDIT_REFRESH_TASK
# Events within this window after the first one are folded into one refresh (queueing lock).
DEBOUNCE_SECONDS = jobs.CREDIT_DEBOUNCE_SECONDS
MAX_DESCRIPTION = 4000
MAX_PRODUCTS = 500
MAX_CATEGORIES = 5


@dataclass(frozen=True)
class RefreshResult:
    rated: int  # suppliers computed
    changed: int  # history rows written (something changed)
    coverage_changed: int


@transaction.atomic
def rating_refresh(*, supplier_ids: list[str] | None = None, cause: str = "manual") -> RefreshResult:
    """Recompute ratings in one SQL statement: every supplier (None) or those listed. Idempotent: a
    refresh that finds nothing changed writes no history row, only the standing's refresh time."""
    params = rating.refresh_params(now=clock.now(), cause=cause, ids=supplier_ids)
    with connection.cursor() as cursor:
        # The planner's row estimates through the CTEs are far off (it expects millions of suppliers),
        # which makes it JIT-compile the statement: ~30 s of compiling for a few seconds of work.
        cursor.execute("SET LOCAL jit = off")
        # Grouping the orders by supplier and currency hashes in memory instead of sorting on disk.
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute("DROP TABLE IF EXISTS credit_refresh")
        cursor.execute(rating.refresh_sql(scoped=supplier_ids is not None), params)
        cursor.execute(rating.WRITE_SQL, params)
        rated, changed, coverage = cursor.fetchone()
        cursor.execute("DROP TABLE credit_refresh")
    return RefreshResult(rated=rated, changed=changed, coverage_changed=coverage)


def rating_refresh_defer(*, supplier_id: str) -> bool:
    """Ask for a refresh of one supplier after the current transaction commits, debounced: while one
    is waiting (for up to DEBOUNCE_SECONDS) further requests are absorbed by it. The lower layers
    (orders, reviews, messaging, suppliers) call `kit.jobs.defer_credit_refresh`, the same function."""
    return jobs.defer_credit_refresh(supplier_id)


def _search_text(name: str, products: str, description: str) -> str:
    return " ".join(part for part in (name, products, description) if part).lower()


@transaction.atomic
def profile_update(*, actor: Actor, description: str, categories: list[str], main_products: str) -> SupplierProfile:
    """The supplier describes itself for the directory (owner or sales)."""
    org = actor.organization
    if org is None or not actor.is_supplier_org:
        raise NotASupplier(_("Only a supplier organization has a directory profile."))
    actor.require("order.write")
    description = description.strip()
    main_products = main_products.strip()
    if len(description) > MAX_DESCRIPTION:
        raise ProfileInvalid(
            ngettext("At most %(max)s character.", "At most %(max)s characters.", MAX_DESCRIPTION)
            % {"max": MAX_DESCRIPTION},
            field="description",
            code="too_long",
        )
    if len(main_products) > MAX_PRODUCTS:
        raise ProfileInvalid(
            ngettext("At most %(max)s character.", "At most %(max)s characters.", MAX_PRODUCTS) % {"max": MAX_PRODUCTS},
            field="main_products",
            code="too_long",
        )
    unknown = [c for c in categories if c not in Category.values]
    if unknown:
        raise ProfileInvalid(
            _("Unknown category %(category)s.") % {"category": repr(unknown[0])},
            field="categories",
            code="unknown_category",
        )
    chosen = list(dict.fromkeys(categories))
    if len(chosen) > MAX_CATEGORIES:
        raise ProfileInvalid(
            ngettext("At most %(max)s category.", "At most %(max)s categories.", MAX_CATEGORIES)
            % {"max": MAX_CATEGORIES},
            field="categories",
            code="too_many_categories",
        )
    profile, _created = SupplierProfile.objects.select_for_update().get_or_create(organization=org)
    profile.description = description
    profile.categories = chosen
    profile.main_products = main_products
    profile.search_text = _search_text(org.name, main_products, description)
    profile.updated_at = clock.now()
    profile.save()
    rating_refresh(supplier_ids=[org.id], cause="profile")  # listed in the directory from now on
    return profile
