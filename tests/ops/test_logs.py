"""Logs: one JSON line per event, request ids from HTTP into jobs, and no secrets in any line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from tests.conftest import PASSWORD, VISA, Party, confirmed_order, pay_card
from tests.notifications.support import run_pending_jobs
from tradeshield.ops.logs import JsonFormatter, RedactFilter, luhn_valid, redact


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("card 4242424242424242 declined", "4242424242424242"),
        ("card 4242 4242 4242 4242 declined", "4242 4242 4242 4242"),
        ("pan=5555-5555-5555-4444", "5555-5555-5555-4444"),
        ("Authorization: Bearer tsk_live_abcdefghijklmnop", "tsk_live_abcdefghijklmnop"),
        ("headers={'Authorization': 'Bearer abc.def.ghi123'}", "abc.def.ghi123"),
        ('{"password": "correct-horse-battery", "email": "a@b.test"}', "correct-horse-battery"),
        ("login password=hunter22hunter22 ok", "hunter22hunter22"),
        ("secret whsec_c2FuZGJveC1iYW5rLXdlYmhvb2stc2VjcmV0 rotated", "whsec_c2FuZGJveC1iYW5rLXdlYmhvb2stc2VjcmV0"),
        ("db postgresql://app:s3cr3tpw@db.internal:5432/ts", "s3cr3tpw"),
        ("payout to DE89370400440532013000", "DE89370400440532013000"),
        ("payout to account no. 000123456789", "000123456789"),
        ('{"cvc": "123", "exp_month": 12}', '"cvc": "123"'),
        ("api_key=ts_key_0123456789abcdef", "ts_key_0123456789abcdef"),
    ],
)
def test_redact_removes_the_secret(text: str, secret: str) -> None:
    assert secret not in redact(text)
    assert redact(redact(text)) == redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "order TS7KQ2M9XPA4 paid 125000 minor units",
        "job 4242424242424241 done",  # 16 digits that fail the Luhn check: not a card number
        "GET /api/v1/orders/ord_01HX 200 12.5 ms",
    ],
)
def test_redact_leaves_ordinary_text(text: str) -> None:
    assert redact(text) == text


def test_luhn() -> None:
    assert luhn_valid("4242424242424242") and luhn_valid("5555555555554444")
    assert not luhn_valid("4242424242424241")


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Everything logged, formatted exactly as production formats it (JSON, redacted)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flows_with_cards_tokens_and_secrets_log_none_of_them(
    captured: io.StringIO, buyer: Party, supplier: Party
) -> None:
    """Sign in, pay by card, create a webhook endpoint, run the jobs: the log holds none of the secrets."""
    token_response = buyer.client.client.post(
        "/api/v1/auth/token",
        data=json.dumps({"email": buyer.user.email, "password": PASSWORD}),
        content_type="application/json",
    )
    assert token_response.status_code == 201, token_response.content
    new_token = token_response.json()["token"]
    order = confirmed_order(buyer, supplier)
    paid = pay_card(buyer, order["id"])
    assert paid.status_code in (200, 201), paid.content
    endpoint = buyer.client.post("/webhook-endpoints", {"url": "https://hooks.example.com/ts"}, key=False)
    assert endpoint.status_code == 201, endpoint.content
    webhook_secret = endpoint.json()["secret"]
    # A log line that carries secrets on purpose (a careless debug line) comes out clean too.
    logging.getLogger("tradeshield.test").warning(
        "debug: card %s token %s", VISA["number"], new_token, extra={"headers": f"Authorization: Bearer {new_token}"}
    )
    try:
        raise ValueError(f"password={PASSWORD} card={VISA['number']}")
    except ValueError:
        logging.getLogger("tradeshield.test").exception("failed with a secret in the exception")
    run_pending_jobs()

    output = captured.getvalue()
    entries = lines(captured)
    assert entries, "the flows should have logged something"
    assert any(e.get("event") == "http_request" for e in entries)
    assert any(e.get("event") == "job" for e in entries)
    for secret in (VISA["number"], VISA["cvc"] + '"', PASSWORD, new_token, buyer.client.token, webhook_secret):
        assert secret not in output, f"{secret[:6]}… leaked into the log"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_request_id_goes_from_the_request_into_its_jobs(captured: io.StringIO, buyer: Party, supplier: Party) -> None:
    order = confirmed_order(buyer, supplier)
    response = buyer.client.client.post(
        f"/api/v1/orders/{order['id']}/payments",
        data=json.dumps({"method": "card", "card": VISA}),
        content_type="application/json",
        headers={
            "Authorization": f"Bearer {buyer.client.token}",
            "Idempotency-Key": "log-test-1",
            "X-Request-ID": "req-pay-0001",
        },
    )
    assert response.status_code in (200, 201), response.content
    assert response["X-Request-ID"] == "req-pay-0001"
    run_pending_jobs()
    entries = lines(captured)
    http = [e for e in entries if e.get("event") == "http_request" and e["request_id"] == "req-pay-0001"]
    assert (
        len(http) == 1 and http[0]["route"] == "api/v1/orders/<order_id>/payments" and http[0]["status"] in (200, 201)
    )
    jobs = [e for e in entries if e.get("event") == "job" and e["request_id"] == "req-pay-0001"]
    assert jobs, "the jobs the payment deferred should log the payment's request id"
    assert {e["task"] for e in jobs} >= {"notifications.relay_order_event"}
    assert all(e["outcome"] == "succeeded" for e in jobs)


def test_a_made_up_request_id_is_replaced(client: Client) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces\n"})
    assert response["X-Request-ID"] != "bad id with spaces\n" and len(response["X-Request-ID"]) == 32


def test_objects_passed_as_extras_are_redacted_too(captured: io.StringIO) -> None:
    class Request:
        def __str__(self) -> str:
            return "<WSGIRequest: GET '/pay?card=4242424242424242&token=abcdefgh123'>"

    logging.getLogger("django.request").error("Bad request", extra={"request": Request()})
    (entry,) = [e for e in lines(captured) if e["logger"] == "django.request"]
    assert "4242424242424242" not in entry["request"] and "abcdefgh123" not in entry["request"]
