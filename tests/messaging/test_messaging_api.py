"""Inquiries and order conversations through the API: both ways, scoping, bad input, unread counts."""

from __future__ import annotations

import pytest

from tests.conftest import confirmed_order, make_party
from tradeshield.messaging.models import Message, Thread
from tradeshield.notifications import services as notifications
from tradeshield.notifications.models import EmailDelivery, Notification
from tradeshield.orders.models import OrderEvent
from tradeshield.organizations.models import OrgKind

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def inquiry(buyer, supplier, **extra):
    body = {"supplier_id": supplier.org.id, "subject": "LED panels", "body": "Price for 5,000 pcs?", **extra}
    return buyer.client.post("/inquiries", body)


def test_inquiry_goes_both_ways_and_counts_unread(buyer, supplier):
    created = inquiry(buyer, supplier, product="LED panel 60x60", quantity="5,000 pcs")
    assert created.status_code == 201, created.content
    thread = created.json()
    assert thread["kind"] == "inquiry" and thread["id"].startswith("inq_")
    assert (thread["buyer_id"], thread["supplier_id"]) == (buyer.org.id, supplier.org.id)
    assert thread["product"] == "LED panel 60x60" and thread["unread"] == 0

    # the supplier sees it unread, replies; then the buyer has one unread
    assert supplier.client.get("/messages/unread-count").json() == {"messages": 1, "awaiting_reply": 1}
    listed = supplier.client.get("/inquiries").json()
    assert [t["id"] for t in listed["data"]] == [thread["id"]] and listed["data"][0]["unread"] == 1
    reply = supplier.client.post(f"/inquiries/{thread['id']}/messages", {"body": "USD 12.50 each."})
    assert reply.status_code == 201, reply.content
    assert reply.json()["side"] == "supplier"
    assert supplier.client.get("/messages/unread-count").json() == {"messages": 0, "awaiting_reply": 0}
    assert buyer.client.get("/messages/unread-count").json() == {"messages": 1, "awaiting_reply": 1}

    # the buyer continues; messages come oldest first, with a cursor
    assert buyer.client.post(f"/inquiries/{thread['id']}/messages", {"body": "And 10,000?"}).status_code == 201
    page1 = buyer.client.get(f"/inquiries/{thread['id']}/messages", limit=2).json()
    assert [m["body"] for m in page1["data"]] == ["Price for 5,000 pcs?", "USD 12.50 each."]
    page2 = buyer.client.get(f"/inquiries/{thread['id']}/messages", limit=2, cursor=page1["next_cursor"]).json()
    assert [m["body"] for m in page2["data"]] == ["And 10,000?"] and page2["next_cursor"] is None
    # posting marked it read for the buyer; reading marks it for the supplier
    assert buyer.client.get("/messages/unread-count").json()["messages"] == 0
    assert supplier.client.get(f"/inquiries/{thread['id']}").json()["unread"] == 1
    assert supplier.client.post(f"/inquiries/{thread['id']}/read").json()["unread"] == 0


def test_other_organizations_get_404_everywhere(buyer, supplier, other_buyer):
    thread = inquiry(buyer, supplier).json()
    other_supplier = make_party(OrgKind.SUPPLIER, "Other Widgets", "CN")
    for stranger in (other_buyer, other_supplier):
        for path in (f"/inquiries/{thread['id']}", f"/inquiries/{thread['id']}/messages"):
            response = stranger.client.get(path)
            assert response.status_code == 404, path
            assert response.json()["error"]["code"] == "thread_not_found"
        assert stranger.client.post(f"/inquiries/{thread['id']}/messages", {"body": "hi"}).status_code == 404
        assert stranger.client.get("/inquiries").json()["data"] == []
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"body": ""}, 422, "message_empty", "body"),
        ({"body": "   \n "}, 422, "message_empty", "body"),
        ({"body": "x" * 5001}, 422, "message_too_long", "body"),
        ({"subject": " "}, 422, "subject_required", "subject"),
        ({"supplier_id": "org_missing"}, 404, "supplier_not_found", "supplier_id"),
        ({"attachment_ids": ["file_nope"]}, 422, "attachment_invalid", "attachment_ids"),
        ({"colour": "red"}, 422, "unknown_field", "colour"),
    ],
)
def test_bad_inquiries_are_refused_and_store_nothing(buyer, supplier, change, status, code, field):
    response = inquiry(buyer, supplier, **change)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] in (code, "invalid_value") and error.get("field") == field
    assert Thread.objects.count() == 0 and Message.objects.count() == 0


def test_messaging_a_non_supplier_or_your_own_org_is_refused(buyer, supplier, other_buyer):
    to_buyer = buyer.client.post("/inquiries", {"supplier_id": other_buyer.org.id, "subject": "s", "body": "b"})
    assert to_buyer.status_code == 422 and to_buyer.json()["error"]["code"] == "not_a_supplier"
    to_self = buyer.client.post("/inquiries", {"supplier_id": buyer.org.id, "subject": "s", "body": "b"})
    assert to_self.status_code == 422 and to_self.json()["error"]["code"] == "own_organization"
    supplier_self = supplier.client.post("/inquiries", {"supplier_id": supplier.org.id, "subject": "s", "body": "b"})
    assert supplier_self.json()["error"]["code"] == "own_organization"
    other_supplier = make_party(OrgKind.SUPPLIER, "Other Widgets", "CN")
    by_supplier = supplier.client.post(
        "/inquiries", {"supplier_id": other_supplier.org.id, "subject": "s", "body": "b"}
    )
    assert by_supplier.status_code == 403 and by_supplier.json()["error"]["code"] == "buyers_only"
    assert Thread.objects.count() == 0


def test_oversized_or_empty_replies_are_refused(buyer, supplier):
    thread = inquiry(buyer, supplier).json()
    for body, code in (("", "message_empty"), ("x" * 5001, "message_too_long")):
        response = supplier.client.post(f"/inquiries/{thread['id']}/messages", {"body": body})
        assert response.status_code == 422 and response.json()["error"]["code"] in (code, "invalid_value")
    assert Message.objects.count() == 1


def test_attachments_are_uploaded_then_attached_and_checked(buyer, supplier, other_buyer):
    uploaded = buyer.client.client.post(
        "/api/v1/message-attachments",
        {"file": _file(PNG, "spec.png")},
        headers={"Authorization": f"Bearer {buyer.client.token}"},
    )
    assert uploaded.status_code == 201, uploaded.content
    file_id = uploaded.json()["id"]
    created = inquiry(buyer, supplier, attachment_ids=[file_id])
    assert created.status_code == 201
    messages = supplier.client.get(f"/inquiries/{created.json()['id']}/messages").json()["data"]
    assert [a["id"] for a in messages[0]["attachments"]] == [file_id]
    # the supplier may download it on the web; a stranger may not, nor attach someone else's upload
    from django.test import Client

    web = Client()
    web.force_login(supplier.user)
    assert web.get(f"/files/{file_id}/").status_code == 200
    web.force_login(other_buyer.user)
    assert web.get(f"/files/{file_id}/").status_code == 404
    stolen = other_buyer.client.post(
        "/inquiries", {"supplier_id": supplier.org.id, "subject": "s", "body": "b", "attachment_ids": [file_id]}
    )
    assert stolen.status_code == 422 and stolen.json()["error"]["code"] == "attachment_invalid"
    wrong_type = buyer.client.client.post(
        "/api/v1/message-attachments",
        {"file": _file(b"MZ\x90\x00 not a pdf", "x.pdf")},
        headers={"Authorization": f"Bearer {buyer.client.token}"},
    )
    assert wrong_type.status_code == 422 and wrong_type.json()["error"]["code"] == "file_type"


def _file(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_order_conversation_one_thread_notifies_the_other_side_and_staff_read_only(buyer, supplier, other_buyer):
    order = confirmed_order(buyer, supplier)
    assert buyer.client.get(f"/orders/{order['id']}/messages").json() == {"data": [], "next_cursor": None}
    first = buyer.client.post(f"/orders/{order['id']}/messages", {"body": "Can you ship a week early?"})
    assert first.status_code == 201, first.content
    second = supplier.client.post(f"/orders/{order['id']}/messages", {"body": "Yes, on the 3rd."})
    assert second.status_code == 201
    assert Thread.objects.filter(order_id=order["id"]).count() == 1
    assert first.json()["thread_id"] == second.json()["thread_id"]
    listed = supplier.client.get(f"/orders/{order['id']}/messages").json()["data"]
    assert [m["side"] for m in listed] == ["buyer", "supplier"]

    # the events relay to the other side only: in the app and by email
    events = OrderEvent.objects.filter(order_id=order["id"], kind="message.posted").order_by("pk")
    assert events.count() == 2
    for event in events:
        notifications.relay_event(event.pk)
    first_event = events[0]
    assert set(Notification.objects.filter(event=first_event).values_list("user_id", flat=True)) == {supplier.user.pk}
    assert set(EmailDelivery.objects.filter(event=first_event).values_list("user_id", flat=True)) == {supplier.user.pk}
    assert set(Notification.objects.filter(event=events[1]).values_list("user_id", flat=True)) == {buyer.user.pk}

    # a stranger: 404; staff: read, but not write
    assert other_buyer.client.get(f"/orders/{order['id']}/messages").status_code == 404
    assert other_buyer.client.post(f"/orders/{order['id']}/messages", {"body": "x"}).status_code == 404
    from tests.quality.world import _staff

    _, token = _staff("support_agent")
    from tests.conftest import ApiClient

    agent = ApiClient(token)
    assert [m["body"] for m in agent.get(f"/orders/{order['id']}/messages").json()["data"]] == [
        "Can you ship a week early?",
        "Yes, on the 3rd.",
    ]
    refused = agent.post(f"/orders/{order['id']}/messages", {"body": "hello"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "read_only"
    # staff do not read inquiries
    thread = inquiry(buyer, supplier).json()
    assert agent.get(f"/inquiries/{thread['id']}").status_code == 404
    assert Message.objects.filter(thread__order_id=order["id"]).count() == 2


def test_messages_are_append_only_in_the_database(buyer, supplier):
    from django.db import DatabaseError, transaction

    inquiry(buyer, supplier)
    message = Message.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        Message.objects.filter(pk=message.pk).update(body="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        Message.objects.filter(pk=message.pk).delete()
    assert Message.objects.get().body == "Price for 5,000 pcs?"
