"""Reads of reviews. Visible reviews are public to every signed-in user; hidden ones only to staff
(and, on the order's own page, to the order's two parties)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from tradeshield.organizations.actors import Actor
from tradeshield.reviews.errors import ReviewNotFound
from tradeshield.reviews.models import DIMENSIONS, ReportStatus, Review, ReviewReport

MODERATORS = ("support_agent", "admin")


def is_moderator(actor: Actor) -> bool:
    return actor.organization is None and actor.staff_role in MODERATORS


def _base() -> QuerySet[Review]:
    return Review.objects.select_related("buyer", "supplier", "order", "reply", "hidden_by")


def visible_reviews() -> QuerySet[Review]:
    return _base().filter(hidden_at__isnull=True)


def review_get(actor: Actor, review_id: str) -> Review:
    rows = _base() if is_moderator(actor) else visible_reviews()
    review = rows.filter(pk=review_id).first()
    if review is None:
        raise ReviewNotFound(_("No such review."))
    return review


def review_of_order(order_id: str) -> Review | None:
    """The order's review, hidden or not: callers have already checked the order is visible."""
    return _base().filter(order_id=order_id).first()


def supplier_reviews(supplier_id: str, *, cursor: str | None = None, limit: int = 20) -> list[Review]:
    """Newest first, visible only."""
    rows = visible_reviews().filter(supplier_id=supplier_id).order_by("-id")
    if cursor:
        rows = rows.filter(id__lt=cursor)
    return list(rows[:limit])


def moderation_queue(
    *, status: str = ReportStatus.OPEN, cursor: str | None = None, limit: int = 20
) -> list[ReviewReport]:
    """Oldest open report first (first come, first served)."""
    rows = ReviewReport.objects.select_related("review__buyer", "review__supplier", "review__reply", "reporter")
    rows = rows.filter(status=status).order_by("id")
    if cursor:
        rows = rows.filter(id__gt=cursor)
    return list(rows[:limit])


def report_get(report_id: str) -> ReviewReport | None:
    return ReviewReport.objects.select_related("review").filter(pk=report_id).first()


@dataclass(frozen=True)
class ReviewStats:
    supplier_id: str
    count: int
    sums: dict[str, int]  # per dimension: product_quality, delivery_time, service

    def average(self, dimension: str) -> Decimal | None:
        if not self.count:
            return None
        return (Decimal(self.sums[dimension]) / self.count).quantize(Decimal("0.01"))

    @property
    def averages(self) -> dict[str, Decimal | None]:
        return {d: self.average(d) for d in DIMENSIONS}

    @property
    def overall(self) -> Decimal | None:
        """Mean of the three dimensions over all visible reviews."""
        if not self.count:
            return None
        return (Decimal(sum(self.sums.values())) / (3 * self.count)).quantize(Decimal("0.01"))


def review_stats(supplier_ids: list[str]) -> dict[str, ReviewStats]:
    """Per supplier: how many visible reviews and the sum per dimension, in one query (the credit
    rating's Bayesian average needs the count and the sums). Suppliers without reviews get zeros."""
    ids = sorted(set(supplier_ids))
    out = {sid: ReviewStats(sid, 0, dict.fromkeys(DIMENSIONS, 0)) for sid in ids}
    if not ids:
        return out
    rows = (
        Review.objects.filter(supplier_id__in=ids, hidden_at__isnull=True)
        .values("supplier_id")
        .annotate(n=Count("pk"), **{d: Sum(d) for d in DIMENSIONS})
        .order_by()
    )
    for row in rows:
        out[row["supplier_id"]] = ReviewStats(row["supplier_id"], row["n"], {d: int(row[d]) for d in DIMENSIONS})
    return out


def open_report_count() -> int:
    return ReviewReport.objects.filter(status=ReportStatus.OPEN).count()
