"""Where a request comes from, for the signals: the client IP, its country and the device.

IP country: only from the `X-Country` header set by a trusted proxy (Cloudflare's `CF-IPCountry`
renamed, or a GeoIP module), read only when `TRADESHIELD_RISK_TRUST_COUNTRY_HEADER` is on; otherwise
it is unknown (""), because a client could send any value. No GeoIP table ships with TradeShield.
Device: the `X-Device-Id` header (API clients, mobile apps) or a `ts_device` cookie if the client has
one, else the User-Agent; stored as a SHA-256 prefix. (No cookie is set here: a Set-Cookie on every
page would make every page uncacheable.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from tradeshield.security.throttle import client_ip

COOKIE = "ts_device"


@dataclass(frozen=True)
class RequestFacts:
    ip: str = ""
    ip_country: str = ""
    device: str = ""


NO_REQUEST = RequestFacts()
_current: ContextVar[RequestFacts | None] = ContextVar("tradeshield_risk_request", default=None)


def current() -> RequestFacts:
    return _current.get() or NO_REQUEST


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32] if value else ""


def facts_of(request: HttpRequest) -> RequestFacts:
    country = ""
    if getattr(settings, "TRADESHIELD_RISK_TRUST_COUNTRY_HEADER", False):
        raw = request.headers.get("X-Country", "").strip().upper()
        country = raw if len(raw) == 2 and raw.isalpha() else ""
    device = request.headers.get("X-Device-Id") or request.COOKIES.get(COOKIE) or ""
    if not device:
        agent = request.headers.get("User-Agent", "")
        device = f"ua:{agent}" if agent else ""
    return RequestFacts(ip=client_ip(request.META) or "", ip_country=country, device=_hash(device[:500]))  # type: ignore[arg-type]


class RiskContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(facts_of(request))
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        return response
