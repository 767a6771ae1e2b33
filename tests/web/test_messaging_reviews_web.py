"""The web pages of messaging and reviews: inbox, new inquiry, thread with live refresh, the order
page's conversation and review panels, the supplier's reviews, and the moderation queue."""

from __future__ import annotations

import pytest
from tests.web.support import messages_of, paid, shipped

from tradeshield.messaging.models import Message, Thread
from tradeshield.orders import paying
from tradeshield.reviews.models import ModerationAction, Review, ReviewReply, ReviewReport

pytestmark = pytest.mark.django_db


def completed(supplier, buyer):
    order = shipped(supplier, buyer)
    paying.order_confirm_receipt(actor=buyer.actor, order_id=order.id)
    return order


def test_inquiry_reply_and_live_refresh(buyer, supplier, rival):
    page = buyer.client.get(f"/messages/new/?supplier={supplier.org.id}")
    assert page.status_code == 200 and f'value="{supplier.org.id}" selected' in page.content.decode()
    sent = buyer.client.post(
        "/messages/new/",
        {"supplier": supplier.org.id, "subject": "Quote", "product": "Panel", "quantity": "500 pcs", "body": "Price?"},
    )
    thread = Thread.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/messages/{thread.id}/"

    inbox = supplier.client.get("/messages/").content.decode()
    assert "Quote" in inbox and 'id="messages-link"' in inbox and "text-bg-warning" in inbox  # unread badge
    reply = supplier.client.post(f"/messages/{thread.id}/", {"body": "USD 12 each."})
    assert reply.status_code == 302
    live = buyer.client.get(f"/messages/{thread.id}/live/").content.decode()
    assert "USD 12 each." in live and 'hx-trigger="every 10s"' in live
    # reading the live part marked it read
    assert "text-bg-warning" not in buyer.client.get("/messages/").content.decode()
    # another organization: 404 on the page and the live part; posting stores nothing
    assert rival.client.get(f"/messages/{thread.id}/").status_code == 404
    assert rival.client.get(f"/messages/{thread.id}/live/").status_code == 404
    assert rival.client.post(f"/messages/{thread.id}/", {"body": "hi"}).status_code == 404
    assert Message.objects.count() == 2


def test_empty_reply_shows_the_error_and_stores_nothing(buyer, supplier):
    buyer.client.post("/messages/new/", {"supplier": supplier.org.id, "subject": "Quote", "body": "Price?"})
    thread = Thread.objects.get()
    page = supplier.client.post(f"/messages/{thread.id}/", {"body": ""})
    assert page.status_code == 200 and "is-invalid" in page.content.decode()
    suppliers_only = supplier.client.get("/messages/new/")
    assert suppliers_only.status_code == 403
    assert Message.objects.count() == 1


def test_order_page_conversation_panel(buyer, supplier, staff):
    order = paid(supplier, buyer)
    page = buyer.client.get(f"/orders/{order.id}/").content.decode()
    assert 'id="conversation"' in page and f'action="/orders/{order.id}/messages/"' in page
    posted = buyer.client.post(f"/orders/{order.id}/messages/", {"body": "Please use blue cartons."})
    assert posted.status_code == 302 and posted["Location"].endswith("#conversation")
    assert "Please use blue cartons." in supplier.client.get(f"/orders/{order.id}/").content.decode()
    live = supplier.client.get(f"/orders/{order.id}/messages/live/").content.decode()
    assert "Please use blue cartons." in live
    staff_page = staff.client.get(f"/orders/{order.id}/").content.decode()
    assert "Please use blue cartons." in staff_page and f'action="/orders/{order.id}/messages/"' not in staff_page
    refused = staff.client.post(f"/orders/{order.id}/messages/", {"body": "hello"}, follow=True)
    assert Message.objects.count() == 1
    assert any("do not post" in m for m in messages_of(refused))


def test_review_form_supplier_reply_report_and_moderation(buyer, supplier, rival, staff):
    order = completed(supplier, buyer)
    page = buyer.client.get(f"/orders/{order.id}/").content.decode()
    assert f'action="/orders/{order.id}/review/"' in page
    assert f'action="/orders/{order.id}/review/"' not in supplier.client.get(f"/orders/{order.id}/").content.decode()
    bad = buyer.client.post(f"/orders/{order.id}/review/", {"product_quality": 7, "delivery_time": 5, "service": 5})
    assert bad.status_code == 302 and Review.objects.count() == 0
    buyer.client.post(
        f"/orders/{order.id}/review/", {"product_quality": 5, "delivery_time": 3, "service": 4, "text": "Solid."}
    )
    review = Review.objects.get()
    assert (review.product_quality, review.delivery_time, review.service) == (5, 3, 4)

    listing = supplier.client.get(f"/suppliers/{supplier.org.id}/reviews/").content.decode()
    assert "Solid." in listing and f'action="/reviews/{review.id}/reply/"' in listing
    assert 'data-chart="hbar"' in listing
    supplier.client.post(f"/reviews/{review.id}/reply/", {"text": "Thanks!"})
    assert ReviewReply.objects.get().text == "Thanks!"
    twice = supplier.client.post(f"/reviews/{review.id}/reply/", {"text": "Again"}, follow=True)
    assert ReviewReply.objects.count() == 1 and any("already" in m for m in messages_of(twice))

    rival.client.post(f"/reviews/{review.id}/report/", {"reason": "Fake"})
    report = ReviewReport.objects.get()
    assert buyer.client.get("/staff/reviews/").status_code == 403
    queue = staff.client.get("/staff/reviews/").content.decode()
    assert "Fake" in queue and f'action="/staff/reviews/{review.id}/hide/"' in queue
    staff.client.post(f"/staff/reviews/{review.id}/hide/", {"reason": "Not about the order"})
    review.refresh_from_db()
    assert review.hidden_at is not None and review.hidden_reason == "Not about the order"
    assert ModerationAction.objects.get().staff == staff.user
    report.refresh_from_db()
    assert report.status == "upheld"
    assert "Solid." not in rival.client.get(f"/suppliers/{supplier.org.id}/reviews/").content.decode()
    # the parties still see it on the order page, with the reason
    assert "Not about the order" in buyer.client.get(f"/orders/{order.id}/").content.decode()
