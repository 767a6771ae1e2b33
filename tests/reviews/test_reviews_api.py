"""Reviews: only the buyer of a completed order, once; one supplier reply; reports and moderation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import ApiClient, confirmed_order, make_party
from tests.quality.world import _staff
from tests.reviews.support import GOOD, completed_order
from tradeshield.organizations.models import OrgKind
from tradeshield.reviews.models import ModerationAction, Review, ReviewReply, ReviewReport
from tradeshield.reviews.selectors import review_stats

pytestmark = pytest.mark.django_db


def staff(role: str) -> ApiClient:
    _, token = _staff(role)
    return ApiClient(token)


def test_buyer_reviews_a_completed_order_supplier_replies_once(buyer, supplier):
    order_id = completed_order(buyer, supplier)
    created = buyer.client.post(f"/orders/{order_id}/review", GOOD)
    assert created.status_code == 201, created.content
    review = created.json()
    assert (review["product_quality"], review["delivery_time"], review["service"]) == (5, 4, 5)
    assert review["status"] == "visible" and review["reply"] is None

    replied = supplier.client.post(f"/reviews/{review['id']}/reply", {"text": "Thank you!"})
    assert replied.status_code == 201, replied.content
    assert replied.json()["reply"]["text"] == "Thank you!"
    again = supplier.client.post(f"/reviews/{review['id']}/reply", {"text": "Thanks again"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "reply_exists"
    assert ReviewReply.objects.get().text == "Thank you!"

    listed = buyer.client.get(f"/suppliers/{supplier.org.id}/reviews").json()
    assert [r["id"] for r in listed["data"]] == [review["id"]] and listed["data"][0]["reply"]["text"] == "Thank you!"
    stats = buyer.client.get(f"/suppliers/{supplier.org.id}/review-stats").json()
    assert stats == {
        "supplier_id": supplier.org.id,
        "count": 1,
        "averages": {"product_quality": "5.00", "delivery_time": "4.00", "service": "5.00"},
        "overall": "4.67",
    }


def test_second_review_of_the_same_order_is_refused(buyer, supplier):
    order_id = completed_order(buyer, supplier)
    assert buyer.client.post(f"/orders/{order_id}/review", GOOD).status_code == 201
    second = buyer.client.post(f"/orders/{order_id}/review", {**GOOD, "product_quality": 1})
    assert second.status_code == 409 and second.json()["error"]["code"] == "review_exists"
    assert Review.objects.get().product_quality == 5


def test_review_by_a_non_buyer_is_refused(buyer, supplier, other_buyer):
    order_id = completed_order(buyer, supplier)
    by_supplier = supplier.client.post(f"/orders/{order_id}/review", GOOD)
    assert by_supplier.status_code == 403 and by_supplier.json()["error"]["code"] == "buyer_only"
    by_stranger = other_buyer.client.post(f"/orders/{order_id}/review", GOOD)
    assert by_stranger.status_code == 404
    by_staff = staff("admin").post(f"/orders/{order_id}/review", GOOD)
    assert by_staff.status_code == 403 and by_staff.json()["error"]["code"] == "buyer_only"
    finance = make_party(OrgKind.BUYER, "Acme Finance", "US", role="finance")
    assert finance.client.post(f"/orders/{order_id}/review", GOOD).status_code == 404  # another org
    assert Review.objects.count() == 0


def test_review_of_an_uncompleted_order_is_refused(buyer, supplier):
    order = confirmed_order(buyer, supplier)
    response = buyer.client.post(f"/orders/{order['id']}/review", GOOD)
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_not_completed"
    assert Review.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"product_quality": 0}, "product_quality"),
        ({"delivery_time": 6}, "delivery_time"),
        ({"service": -1}, "service"),
        ({"service": 100}, "service"),
    ],
)
def test_ratings_outside_one_to_five_are_refused(buyer, supplier, change, field):
    order_id = completed_order(buyer, supplier)
    response = buyer.client.post(f"/orders/{order_id}/review", {**GOOD, **change})
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "rating_out_of_range",
        "message": "Ratings are whole numbers from 1 to 5.",
        "field": field,
    }
    assert Review.objects.count() == 0


def test_ratings_are_checked_by_the_database_too(buyer, supplier):
    from django.db import IntegrityError, transaction

    order_id = completed_order(buyer, supplier)
    buyer.client.post(f"/orders/{order_id}/review", GOOD)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.update(service=9)
    assert Review.objects.get().service == 5


def test_reply_by_anyone_but_the_supplier_is_refused(buyer, supplier, other_buyer):
    order_id = completed_order(buyer, supplier)
    review = buyer.client.post(f"/orders/{order_id}/review", GOOD).json()
    for party in (buyer, other_buyer):
        response = party.client.post(f"/reviews/{review['id']}/reply", {"text": "me too"})
        assert response.status_code == 403 and response.json()["error"]["code"] == "supplier_only"
    empty = supplier.client.post(f"/reviews/{review['id']}/reply", {"text": "  "})
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "text_required"
    assert ReviewReply.objects.count() == 0


def test_report_then_hide_keeps_the_record_and_audits(buyer, supplier, other_buyer):
    order_id = completed_order(buyer, supplier)
    review = buyer.client.post(f"/orders/{order_id}/review", {**GOOD, "text": "Scammers!!"}).json()
    report = supplier.client.post(f"/reviews/{review['id']}/reports", {"reason": "Defamatory"})
    assert report.status_code == 201, report.content
    again = supplier.client.post(f"/reviews/{review['id']}/reports", {"reason": "Again"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_reported"
    assert other_buyer.client.post(f"/reviews/{review['id']}/reports", {"reason": ""}).status_code == 422

    # members cannot moderate; staff see the queue
    assert buyer.client.get("/review-reports").status_code == 403
    assert buyer.client.post(f"/reviews/{review['id']}/hide", {"reason": "x"}).status_code == 403
    agent = staff("support_agent")
    queue = agent.get("/review-reports").json()["data"]
    assert [r["id"] for r in queue] == [report.json()["id"]]
    hidden = agent.post(f"/reviews/{review['id']}/hide", {"reason": "Insults, no facts"})
    assert hidden.status_code == 200, hidden.content
    assert hidden.json()["status"] == "hidden" and hidden.json()["hidden_reason"] == "Insults, no facts"
    twice = agent.post(f"/reviews/{review['id']}/hide", {"reason": "again"})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_hidden"

    # gone from public lists and stats, still in the record
    assert buyer.client.get(f"/suppliers/{supplier.org.id}/reviews").json()["data"] == []
    assert buyer.client.get(f"/reviews/{review['id']}").status_code == 404
    assert review_stats([supplier.org.id])[supplier.org.id].count == 0
    assert buyer.client.get(f"/orders/{order_id}/review").json()["status"] == "hidden"
    stored = Review.objects.get()
    assert stored.hidden_reason == "Insults, no facts" and stored.hidden_by is not None
    assert ReviewReport.objects.get().status == "upheld"
    action = ModerationAction.objects.get()
    assert (action.kind, action.staff_role, action.reason) == ("hide", "support_agent", "Insults, no facts")
    assert agent.get("/review-reports").json()["data"] == []


def test_dismissing_a_report_leaves_the_review_visible(buyer, supplier, other_buyer):
    order_id = completed_order(buyer, supplier)
    review = buyer.client.post(f"/orders/{order_id}/review", GOOD).json()
    report = other_buyer.client.post(f"/reviews/{review['id']}/reports", {"reason": "Looks fake"}).json()
    assert staff("trade_expert").post(f"/review-reports/{report['id']}/dismiss", {}).status_code == 403
    admin = staff("admin")
    dismissed = admin.post(f"/review-reports/{report['id']}/dismiss", {"reason": "Verified order"})
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
    closed = admin.post(f"/review-reports/{report['id']}/dismiss", {})
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "report_closed"
    assert [r["id"] for r in buyer.client.get(f"/suppliers/{supplier.org.id}/reviews").json()["data"]] == [review["id"]]
    assert ModerationAction.objects.get().kind == "dismiss"


def test_review_stats_sum_visible_reviews_per_supplier(buyer, supplier, other_buyer):
    for party, ratings in ((buyer, (5, 4, 3)), (other_buyer, (3, 2, 1)), (buyer, (4, 4, 4))):
        order_id = completed_order(party, supplier)
        body = dict(zip(("product_quality", "delivery_time", "service"), ratings, strict=True))
        assert party.client.post(f"/orders/{order_id}/review", body).status_code == 201
    lonely = make_party(OrgKind.SUPPLIER, "No Reviews Ltd", "VN")
    stats = review_stats([supplier.org.id, lonely.org.id])
    mine = stats[supplier.org.id]
    assert mine.count == 3
    assert mine.sums == {"product_quality": 12, "delivery_time": 10, "service": 8}
    assert mine.average("product_quality") == Decimal("4.00") and mine.overall == Decimal("3.33")
    assert stats[lonely.org.id].count == 0 and stats[lonely.org.id].overall is None
