"""API authentication: bearer API keys and personal tokens, or the web session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from tradeshield.kit.errors import Unauthenticated
from tradeshield.organizations.actors import Actor, actor_for_user
from tradeshield.organizations.services import actor_from_bearer


class BearerAuth(HttpBearer):
    openapi_description = "An organization API key (tsk_…) or a personal token (tsp_…) from POST /auth/token."

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        cached = getattr(request, "_tradeshield_actor", None)  # resolved once by the middlewares
        if cached is not None and request.headers.get("Authorization", "")[7:].strip() == token:
            return cached  # type: ignore[no-any-return]
        return actor_from_bearer(token)


class SessionActorAuth(SessionAuth):
    """The browser session of a signed-in user; unsafe methods need the CSRF token."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return actor_for_user(user, via="session") if user else None


API_AUTH = [BearerAuth(), SessionActorAuth()]


def actor_of(request: HttpRequest) -> Actor:
    actor = getattr(request, "auth", None)
    if not isinstance(actor, Actor):
        raise Unauthenticated(_("Authentication required."))
    return actor


def actor_for_request(request: HttpRequest) -> Actor | None:
    """Resolve the actor outside ninja (middleware), without CSRF checks: used only to scope keys and
    to pick the actor's clock. Cached on the request, as several middlewares ask."""
    if hasattr(request, "_tradeshield_actor"):
        return request._tradeshield_actor  # type: ignore[no-any-return]
    actor = None
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        actor = actor_from_bearer(header[7:].strip())
    else:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = actor_for_user(user)
    request._tradeshield_actor = actor  # type: ignore[attr-defined]
    return actor
