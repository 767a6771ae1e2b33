"""Sign-in lock-out per account and per address (web and API), re-authentication, security headers."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import PASSWORD, make_party
from tradeshield.organizations.models import OrgKind
from tradeshield.security.models import LoginFailure

pytestmark = pytest.mark.django_db


def token(client: Client, email: str, password: str, ip: str = "10.9.8.7") -> object:
    return client.post(
        "/api/v1/auth/token",
        data={"email": email, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip,
    )


def test_api_token_locks_the_account_after_five_failures_even_for_the_right_password(settings):
    party = make_party(OrgKind.BUYER, "Lock Buyer", "US")
    client = Client()
    for _ in range(5):
        assert token(client, party.user.email, "wrong-password").status_code == 401
    locked = token(client, party.user.email, PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "too_many_attempts"
    assert 0 < int(locked["Retry-After"]) <= settings.TRADESHIELD_LOGIN_WINDOW_SECONDS


def test_a_success_clears_the_account_count():
    party = make_party(OrgKind.BUYER, "Lock Buyer", "US")
    client = Client()
    for _ in range(4):
        token(client, party.user.email, "wrong-password")
    assert token(client, party.user.email, PASSWORD).status_code == 201
    assert not LoginFailure.objects.filter(key=f"account:{party.user.email}").exists()


def test_one_address_guessing_many_accounts_is_locked_out(settings):
    settings.TRADESHIELD_LOGIN_MAX_FAILURES_PER_IP = 3
    client = Client()
    for n in range(3):
        assert token(client, f"nobody{n}@x.test", "guess", ip="203.0.113.9").status_code == 401
    assert token(client, "nobody9@x.test", "guess", ip="203.0.113.9").status_code == 429
    assert token(client, "nobody9@x.test", "guess", ip="203.0.113.10").status_code == 401


def test_web_login_answers_429_with_retry_after_when_locked():
    party = make_party(OrgKind.SUPPLIER, "Lock Supplier", "CN")
    client = Client()
    for _ in range(5):
        page = client.post("/login/", {"username": party.user.email, "password": "wrong-password"})
        assert page.status_code == 200
    locked = client.post("/login/", {"username": party.user.email, "password": PASSWORD})
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    assert "_auth_user_id" not in client.session


def test_pages_carry_the_security_headers():
    response = Client().get("/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    secure = Client().get("/login/", secure=True)
    assert "max-age=" in secure["Strict-Transport-Security"]


def test_confirm_password_page_marks_the_session_and_refuses_a_wrong_password():
    party = make_party(OrgKind.SUPPLIER, "Sudo Supplier", "CN")
    client = Client()
    client.force_login(party.user)
    wrong = client.post("/account/confirm-password/", {"password": "nope-nope-nope", "next": "/payouts/"})
    assert wrong.status_code == 422 and "tradeshield_reauth_at" not in client.session
    right = client.post("/account/confirm-password/", {"password": PASSWORD, "next": "/payouts/"})
    assert right.status_code == 302 and right["Location"] == "/payouts/"
    assert "tradeshield_reauth_at" in client.session
    evil = client.post("/account/confirm-password/", {"password": PASSWORD, "next": "https://evil.example/"})
    assert evil["Location"] == "/"
