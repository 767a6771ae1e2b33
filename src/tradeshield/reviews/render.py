from __future__ import annotations

from typing import Any

from tradeshield.reviews.models import Review, ReviewReport
from tradeshield.reviews.selectors import ReviewStats


def render_review(review: Review, *, show_hidden_reason: bool = False, party: bool = False) -> dict[str, Any]:
    """`party`: the viewer is one of the order's organizations or staff, who may see which order it was."""
    reply = getattr(review, "reply", None)
    return {
        "id": review.id,
        "order_id": review.order_id if party else None,
        "buyer_id": review.buyer_id,
        "buyer_name": review.buyer.name,
        "supplier_id": review.supplier_id,
        "product_quality": review.product_quality,
        "delivery_time": review.delivery_time,
        "service": review.service,
        "text": review.text,
        "reply": {"text": reply.text, "author": reply.author_label, "created_at": reply.created_at} if reply else None,
        "status": "hidden" if review.hidden_at else "visible",
        "hidden_reason": review.hidden_reason if (review.hidden_at and show_hidden_reason) else None,
        "created_at": review.created_at,
        "updated_at": max(t for t in (review.created_at, review.hidden_at, reply.created_at if reply else None) if t),
    }


def render_stats(stats: ReviewStats) -> dict[str, Any]:
    return {
        "supplier_id": stats.supplier_id,
        "count": stats.count,
        "averages": {k: None if v is None else str(v) for k, v in stats.averages.items()},
        "overall": None if stats.overall is None else str(stats.overall),
    }


def render_report(report: ReviewReport) -> dict[str, Any]:
    return {
        "id": report.id,
        "review_id": report.review_id,
        "reason": report.reason,
        "status": report.status,
        "created_at": report.created_at,
        "updated_at": report.resolved_at or report.created_at,
        "resolved_at": report.resolved_at,
    }
