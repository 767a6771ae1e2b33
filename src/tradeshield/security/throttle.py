"""Sign-in rate limiting and lock-out, per account and per IP address, in PostgreSQL.

Each failed password check adds a row per key (the account's email and the client's address). A key
with `max` failures inside the window is locked until its oldest failure in the window ages out;
the caller answers 429 with `Retry-After`. A successful sign-in clears the account's failures (not
the address's: one right password must not reset an address that is guessing many accounts).
A locked key is refused before the password is checked, so a lock-out cannot be probed.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.db.models import Min
from django.utils.translation import gettext as _

from tradeshield.kit import clock
from tradeshield.security.errors import TooManyAttempts
from tradeshield.security.models import LoginFailure


def _keys(email: str, ip: str | None) -> list[tuple[str, int]]:
    keys = [(f"account:{email.strip().lower()}", settings.TRADESHIELD_LOGIN_MAX_FAILURES_PER_ACCOUNT)]
    if ip:
        keys.append((f"ip:{ip}", settings.TRADESHIELD_LOGIN_MAX_FAILURES_PER_IP))
    return keys


def login_check(*, email: str, ip: str | None) -> None:
    """Raise TooManyAttempts if the account or the address is locked out."""
    window = timedelta(seconds=settings.TRADESHIELD_LOGIN_WINDOW_SECONDS)
    now = clock.real_now()
    retry = 0
    for key, limit in _keys(email, ip):
        recent = LoginFailure.objects.filter(key=key, created_at__gt=now - window)
        stats = recent.aggregate(oldest=Min("created_at"))
        if stats["oldest"] is not None and recent.count() >= limit:
            retry = max(retry, math.ceil((stats["oldest"] + window - now).total_seconds()))
    if retry:
        raise TooManyAttempts(_("Too many failed sign-in attempts. Try again later."), retry_after=max(retry, 1))


def login_failed(*, email: str, ip: str | None) -> None:
    now = clock.real_now()
    LoginFailure.objects.bulk_create([LoginFailure(key=key, created_at=now) for key, _ in _keys(email, ip)])
    # Old rows are useless: drop this key's rows that left the window.
    window = timedelta(seconds=settings.TRADESHIELD_LOGIN_WINDOW_SECONDS)
    LoginFailure.objects.filter(key__in=[k for k, _ in _keys(email, ip)], created_at__lte=now - window).delete()


def login_succeeded(*, email: str) -> None:
    LoginFailure.objects.filter(key=f"account:{email.strip().lower()}").delete()


def client_ip(meta: dict[str, str]) -> str | None:
    """The peer address. Behind a TLS proxy (TRADESHIELD_BEHIND_TLS_PROXY) the proxy's X-Forwarded-For
    last hop is the client; otherwise the header is client-controlled and ignored."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return meta.get("REMOTE_ADDR") or None
