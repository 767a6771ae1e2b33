"""Review endpoints: the buyer's review of a completed order, the supplier's reply, reports, moderation."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from tradeshield.kit.http import clamp_limit, page
from tradeshield.kit.schemas import ERROR_RESPONSES, Page
from tradeshield.orders.selectors import order_get
from tradeshield.organizations.actors import Actor
from tradeshield.organizations.auth import API_AUTH, actor_of
from tradeshield.organizations.models import Organization, OrgKind
from tradeshield.reviews import selectors, services
from tradeshield.reviews.errors import ReviewForbidden, ReviewNotFound
from tradeshield.reviews.models import Review
from tradeshield.reviews.render import render_report, render_review, render_stats
from tradeshield.reviews.schemas import (
    OptionalReasonIn,
    ReasonIn,
    ReplyIn,
    ReviewIn,
    ReviewOut,
    ReviewReportOut,
    ReviewStatsOut,
)

router = Router(tags=["reviews"], auth=API_AUTH)
ERRORS = ERROR_RESPONSES


def _party(actor: Actor, review: Review) -> bool:
    return actor.is_staff or actor.org_id in (review.buyer_id, review.supplier_id)


def _supplier(supplier_id: str) -> None:
    if not Organization.objects.filter(pk=supplier_id, kind=OrgKind.SUPPLIER).exists():
        raise ReviewNotFound(_("No such supplier."), code="supplier_not_found")


@router.post(
    "/orders/{order_id}/review",
    response={201: ReviewOut, **ERRORS},
    summary="The buyer reviews a completed order, once",
)
def create_review(request: HttpRequest, order_id: str, payload: ReviewIn) -> Status[dict[str, Any]]:
    review = services.review_create(actor=actor_of(request), order_id=order_id, **payload.model_dump())
    return Status(201, render_review(selectors.review_of_order(review.order_id) or review, party=True))


@router.get("/orders/{order_id}/review", response={200: ReviewOut, **ERRORS}, summary="The order's review")
def get_order_review(request: HttpRequest, order_id: str) -> dict[str, Any]:
    order = order_get(actor_of(request), order_id)
    review = selectors.review_of_order(order.id)
    if review is None:
        raise ReviewNotFound(_("This order has no review yet."))
    return render_review(review, show_hidden_reason=True, party=True)


@router.get(
    "/suppliers/{supplier_id}/reviews",
    response={200: Page[ReviewOut], **ERRORS},
    summary="A supplier's visible reviews with replies, newest first",
)
def supplier_reviews(
    request: HttpRequest, supplier_id: str, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    actor_of(request)
    _supplier(supplier_id)
    size = clamp_limit(limit)
    rows = selectors.supplier_reviews(supplier_id, cursor=cursor, limit=size + 1)
    return page(rows, size, lambda r: r.id, render_review)


@router.get("/suppliers/{supplier_id}/review-stats", response={200: ReviewStatsOut, **ERRORS})
def supplier_review_stats(request: HttpRequest, supplier_id: str) -> dict[str, Any]:
    actor_of(request)
    _supplier(supplier_id)
    return render_stats(selectors.review_stats([supplier_id])[supplier_id])


@router.get("/reviews/{review_id}", response={200: ReviewOut, **ERRORS})
def get_review(request: HttpRequest, review_id: str) -> dict[str, Any]:
    actor = actor_of(request)
    review = selectors.review_get(actor, review_id)
    return render_review(review, show_hidden_reason=selectors.is_moderator(actor), party=_party(actor, review))


@router.post("/reviews/{review_id}/reply", response={201: ReviewOut, **ERRORS}, summary="The supplier replies, once")
def reply(request: HttpRequest, review_id: str, payload: ReplyIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    services.review_reply(actor=actor, review_id=review_id, text=payload.text)
    return Status(201, render_review(selectors.review_get(actor, review_id), party=True))


@router.post(
    "/reviews/{review_id}/reports", response={201: ReviewReportOut, **ERRORS}, summary="Report a review for abuse"
)
def report(request: HttpRequest, review_id: str, payload: ReasonIn) -> Status[dict[str, Any]]:
    created = services.review_report(actor=actor_of(request), review_id=review_id, reason=payload.reason)
    return Status(201, render_report(created))


def _moderator(request: HttpRequest) -> None:
    if not selectors.is_moderator(actor_of(request)):
        raise ReviewForbidden(_("Only support agents and admins moderate reviews."), code="staff_only")


@router.get(
    "/review-reports",
    response={200: Page[ReviewReportOut], **ERRORS},
    summary="Staff: the moderation queue (oldest first)",
)
def queue(
    request: HttpRequest,
    status: Literal["open", "dismissed", "upheld"] = "open",
    cursor: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    _moderator(request)
    size = clamp_limit(limit)
    rows = selectors.moderation_queue(status=status, cursor=cursor, limit=size + 1)
    return page(rows, size, lambda r: r.id, render_report)


@router.post(
    "/reviews/{review_id}/hide",
    response={200: ReviewOut, **ERRORS},
    summary="Staff: hide a review (kept in the record, audited)",
)
def hide(request: HttpRequest, review_id: str, payload: ReasonIn) -> dict[str, Any]:
    review = services.review_hide(actor=actor_of(request), review_id=review_id, reason=payload.reason)
    return render_review(review, show_hidden_reason=True, party=True)


@router.post(
    "/review-reports/{report_id}/dismiss",
    response={200: ReviewReportOut, **ERRORS},
    summary="Staff: dismiss a report; the review stays visible",
)
def dismiss(request: HttpRequest, report_id: str, payload: OptionalReasonIn | None = None) -> dict[str, Any]:
    closed = services.report_dismiss(
        actor=actor_of(request), report_id=report_id, reason=payload.reason if payload else ""
    )
    return render_report(closed)
