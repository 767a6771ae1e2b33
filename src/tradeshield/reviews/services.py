"""Writes of reviews: the buyer's review, the supplier's reply, abuse reports, staff moderation.

"Exactly once" is the database's job: UNIQUE on the review's order and on the reply's review. A
second attempt that passes the early checks at the same moment as the first loses at the INSERT and
gets the same 409 as a late one. Moderation changes state by compare-and-set and audits each decision.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tradeshield.kit import clock, jobs
from tradeshield.orders.selectors import order_get
from tradeshield.orders.services import record_event
from tradeshield.orders.states import OrderStatus
from tradeshield.organizations.actors import Actor
from tradeshield.reviews.errors import ReviewConflict, ReviewForbidden, ReviewInvalid, ReviewNotFound
from tradeshield.reviews.models import (
    DIMENSIONS,
    MAX_REASON,
    MAX_TEXT,
    ModerationAction,
    ModerationKind,
    ReportStatus,
    Review,
    ReviewReply,
    ReviewReport,
)
from tradeshield.reviews.selectors import is_moderator, report_get, review_get

# Only a completed order (receipt confirmed, escrow released) can be reviewed.
REVIEWABLE = {OrderStatus.COMPLETED}


def _text(value: str, *, field: str, limit: int, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ReviewInvalid(_("This field is required."), field=field, code=f"{field}_required")
    if len(text) > limit:
        raise ReviewInvalid(
            _("At most %(limit)s characters.") % {"limit": limit}, field=field, code=f"{field}_too_long"
        )
    return text


def _ratings(ratings: dict[str, int]) -> dict[str, int]:
    for name in DIMENSIONS:
        value = ratings.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise ReviewInvalid(_("Ratings are whole numbers from 1 to 5."), field=name, code="rating_out_of_range")
    return {name: int(ratings[name]) for name in DIMENSIONS}


T = TypeVar("T")


def _once(existing: QuerySet[Any], create: Callable[[], T], conflict: ReviewConflict) -> T:
    """Insert what may exist only once. A concurrent insert that wins the UNIQUE index makes ours fail
    with an IntegrityError; then, as when it existed already, the answer is `conflict` (409)."""
    if existing.exists():
        raise conflict
    try:
        with transaction.atomic():
            return create()
    except IntegrityError as error:
        if existing.exists():
            raise conflict from error
        raise


def review_create(
    *, actor: Actor, order_id: str, product_quality: int, delivery_time: int, service: int, text: str = ""
) -> Review:
    order = order_get(actor, order_id)
    if actor.organization is None or actor.org_id != order.buyer_id:
        raise ReviewForbidden(_("Only the buyer of the order can review it."), code="buyer_only")
    actor.require("order.receive")
    if order.status not in REVIEWABLE:
        raise ReviewConflict(_("Only a completed order can be reviewed."), code="order_not_completed")
    ratings = _ratings({"product_quality": product_quality, "delivery_time": delivery_time, "service": service})
    body = _text(text, field="text", limit=MAX_TEXT, required=False)
    exists = ReviewConflict(_("This order has been reviewed already."), code="review_exists")

    def create() -> Review:
        review = Review.objects.create(
            order=order,
            buyer_id=order.buyer_id,
            supplier_id=order.supplier_id,
            author=actor.user,
            author_label=actor.label[:200],
            text=body,
            **ratings,
        )
        record_event(order, "review.posted", actor, review_id=review.id, ratings=ratings)
        jobs.defer_credit_refresh(order.supplier_id)
        return review

    return _once(Review.objects.filter(order_id=order.id), create, exists)


def review_reply(*, actor: Actor, review_id: str, text: str) -> ReviewReply:
    review = review_get(actor, review_id)
    if actor.organization is None or actor.org_id != review.supplier_id:
        raise ReviewForbidden(_("Only the reviewed supplier can reply."), code="supplier_only")
    actor.require("order.write")
    body = _text(text, field="text", limit=MAX_TEXT, required=True)
    supplier = actor.organization

    def create() -> ReviewReply:
        reply = ReviewReply.objects.create(
            review=review, organization=supplier, author=actor.user, author_label=actor.label[:200], text=body
        )
        record_event(review.order, "review.replied", actor, review_id=review.id)
        return reply

    exists = ReviewConflict(_("This review has a reply already."), code="reply_exists")
    return _once(ReviewReply.objects.filter(review_id=review.id), create, exists)


def review_report(*, actor: Actor, review_id: str, reason: str) -> ReviewReport:
    if actor.user is None:
        raise ReviewForbidden(_("Reports are made by people, not API keys."), code="person_required")
    review = review_get(actor, review_id)
    if review.hidden_at is not None:
        raise ReviewConflict(_("This review is hidden already."), code="already_hidden")
    why = _text(reason, field="reason", limit=MAX_REASON, required=True)
    try:
        with transaction.atomic():
            return ReviewReport.objects.create(review=review, reporter=actor.user, reason=why)
    except IntegrityError as error:
        raise ReviewConflict(_("You have reported this review already."), code="already_reported") from error


def _moderator(actor: Actor) -> None:
    if not is_moderator(actor) or actor.user is None:
        raise ReviewForbidden(_("Only support agents and admins moderate reviews."), code="staff_only")


@transaction.atomic
def review_hide(*, actor: Actor, review_id: str, reason: str) -> Review:
    """Hide a review from public lists (it stays in the record); open reports on it are upheld."""
    _moderator(actor)
    review = review_get(actor, review_id)
    why = _text(reason, field="reason", limit=MAX_REASON, required=True)
    now = clock.now()
    hidden = Review.objects.filter(pk=review.pk, hidden_at__isnull=True).update(
        hidden_at=now, hidden_by=actor.user, hidden_reason=why
    )
    if not hidden:
        raise ReviewConflict(_("This review is hidden already."), code="already_hidden")
    ReviewReport.objects.filter(review=review, status=ReportStatus.OPEN).update(
        status=ReportStatus.UPHELD, resolved_at=now, resolved_by=actor.user
    )
    assert actor.user is not None
    ModerationAction.objects.create(
        review=review,
        kind=ModerationKind.HIDE,
        staff=actor.user,
        staff_role=actor.staff_role,
        reason=why,
        created_at=now,
    )
    jobs.defer_credit_refresh(review.supplier_id)  # a hidden review leaves the rating
    review.refresh_from_db()
    return review


@transaction.atomic
def report_dismiss(*, actor: Actor, report_id: str, reason: str = "") -> ReviewReport:
    """The review stays visible; the report is closed."""
    _moderator(actor)
    report = report_get(report_id)
    if report is None:
        raise ReviewNotFound(_("No such report."), code="report_not_found")
    why = _text(reason, field="reason", limit=MAX_REASON, required=False)
    now = clock.now()
    closed = ReviewReport.objects.filter(pk=report.pk, status=ReportStatus.OPEN).update(
        status=ReportStatus.DISMISSED, resolved_at=now, resolved_by=actor.user
    )
    if not closed:
        raise ReviewConflict(_("This report is closed already."), code="report_closed")
    assert actor.user is not None
    ModerationAction.objects.create(
        review_id=report.review_id,
        report=report,
        kind=ModerationKind.DISMISS,
        staff=actor.user,
        staff_role=actor.staff_role,
        reason=why,
        created_at=now,
    )
    report.refresh_from_db()
    return report
