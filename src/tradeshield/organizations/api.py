"""Authentication, the current identity, API keys and the organization directory."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from tradeshield.kit.errors import Forbidden
from tradeshield.kit.http import clamp_limit, page
from tradeshield.kit.schemas import ERROR_RESPONSES, StrictIn
from tradeshield.organizations import services
from tradeshield.organizations.auth import API_AUTH, actor_of
from tradeshield.organizations.models import ApiKey, Organization
from tradeshield.organizations.selectors import api_keys_for
from tradeshield.security import throttle

router = Router(tags=["identity"])
ERRORS = ERROR_RESPONSES


class TokenIn(StrictIn):
    email: str = Field(..., max_length=254)
    password: str = Field(..., max_length=200)


class TokenOut(Schema):
    token: str
    token_type: str
    expires_at: datetime


class OrganizationOut(Schema):
    id: str
    name: str
    kind: str
    country: str
    languages: list[str]
    default_currency: str


class MeOut(Schema):
    user_id: str | None
    email: str | None
    role: str
    staff_role: str
    organization: OrganizationOut | None


class ApiKeyIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=100)


class ApiKeyOut(Schema):
    id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    secret: str | None = Field(None, description="Only in the response that created the key.")


class OrganizationPage(Schema):
    data: list[OrganizationOut]
    next_cursor: str | None


def _org(org: Organization) -> dict[str, Any]:
    return {
        "id": org.id,
        "name": org.name,
        "kind": org.kind,
        "country": org.country,
        "languages": org.languages,
        "default_currency": org.default_currency,
    }


def _key(key: ApiKey, secret: str | None = None) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "prefix": key.prefix,
        "created_at": key.created_at,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
        "secret": secret,
    }


@router.post(
    "/auth/token",
    response={201: TokenOut, **ERRORS},
    auth=None,
    summary="Exchange email and password for a short-lived personal token",
)
def issue_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    secret, token = services.personal_token_issue(
        email=payload.email,
        password=payload.password,
        ip=throttle.client_ip(request.META),  # type: ignore[arg-type]
    )
    return Status(201, {"token": secret, "token_type": "Bearer", "expires_at": token.expires_at})


@router.get("/me", response={200: MeOut, **ERRORS}, auth=API_AUTH)
def me(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    return {
        "user_id": actor.user.id if actor.user else None,
        "email": actor.user.email if actor.user else None,
        "role": actor.role,
        "staff_role": actor.staff_role,
        "organization": _org(actor.organization) if actor.organization else None,
    }


@router.get(
    "/organizations",
    response={200: OrganizationPage, **ERRORS},
    auth=API_AUTH,
    summary="The directory of buyer and supplier organizations",
)
def list_organizations(
    request: HttpRequest, kind: str | None = None, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    actor_of(request)
    size = clamp_limit(limit)
    queryset = Organization.objects.order_by("id")
    if kind:
        queryset = queryset.filter(kind=kind)
    if cursor:
        queryset = queryset.filter(id__gt=cursor)
    return page(list(queryset[: size + 1]), size, lambda o: o.id, _org)


def _require_admin(request: HttpRequest) -> Organization:
    actor = actor_of(request)
    if actor.organization is None or not actor.can("org.admin"):
        raise Forbidden(_("Only an organization owner manages API keys."), code="forbidden_role")
    return actor.organization


@router.get("/api-keys", response={200: list[ApiKeyOut], **ERRORS}, auth=API_AUTH)
def list_keys(request: HttpRequest) -> list[dict[str, Any]]:
    org = _require_admin(request)
    return [_key(k) for k in api_keys_for(org)]


@router.post(
    "/api-keys",
    response={201: ApiKeyOut, **ERRORS},
    auth=API_AUTH,
    summary="Create an API key; its secret is shown in this response only",
)
def create_key(request: HttpRequest, payload: ApiKeyIn) -> Status[dict[str, Any]]:
    org = _require_admin(request)
    key, secret = services.api_key_create(organization=org, name=payload.name, created_by=actor_of(request).user)
    return Status(201, _key(key, secret))


@router.post("/api-keys/{key_id}/revoke", response={200: ApiKeyOut, **ERRORS}, auth=API_AUTH)
def revoke_key(request: HttpRequest, key_id: str) -> dict[str, Any]:
    org = _require_admin(request)
    return _key(services.api_key_revoke(organization=org, key_id=key_id))
