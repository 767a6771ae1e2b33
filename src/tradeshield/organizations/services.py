"""Writes for organizations, members and credentials."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext as _

from tradeshield.accounts.models import User
from tradeshield.kit import clock
from tradeshield.kit.errors import Invalid, NotFound, Unauthenticated
from tradeshield.kit.ids import random_token
from tradeshield.kit.money import check_currency
from tradeshield.organizations.actors import Actor, actor_for_user
from tradeshield.organizations.models import ApiKey, Membership, Organization, OrgKind, PersonalToken
from tradeshield.security import throttle

API_KEY_PREFIX = "tsk"
PERSONAL_TOKEN_PREFIX = "tsp"


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def organization_create(
    *,
    name: str,
    kind: OrgKind,
    country: str,
    languages: list[str] | None = None,
    default_currency: str = "USD",
) -> Organization:
    if len(country) != 2 or not country.isalpha():
        raise Invalid(_("Country must be an ISO 3166-1 alpha-2 code."), field="country")
    check_currency(default_currency)
    return Organization.objects.create(
        name=name,
        kind=kind,
        country=country.upper(),
        languages=languages or ["en"],
        default_currency=default_currency,
    )


@transaction.atomic
def member_create(
    *,
    organization: Organization,
    email: str,
    password: str,
    role: str,
    full_name: str = "",
    preferred_language: str = "",
) -> User:
    user = User.objects.create_user(email, password, full_name=full_name, preferred_language=preferred_language)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


def api_key_create(*, organization: Organization, name: str, created_by: User | None = None) -> tuple[ApiKey, str]:
    """Create a key and return it with its secret. The secret is not stored and cannot be shown again."""
    secret = random_token(API_KEY_PREFIX, 32)
    key = ApiKey.objects.create(
        organization=organization,
        name=name,
        prefix=secret[:10],
        secret_hash=secret_digest(secret),
        created_by=created_by,
    )
    return key, secret


def api_key_revoke(*, organization: Organization, key_id: str) -> ApiKey:
    key = ApiKey.objects.filter(id=key_id, organization=organization).first()
    if key is None:
        raise NotFound(_("No such API key."), code="api_key_not_found")
    if key.revoked_at is None:
        key.revoked_at = clock.now()
        key.save(update_fields=["revoked_at"])
    return key


def personal_token_issue(*, email: str, password: str, ip: str | None = None) -> tuple[str, PersonalToken]:
    """Sign in for the API. Failures count towards the same lock-out as the web sign-in (429)."""
    throttle.login_check(email=email, ip=ip)
    user = authenticate(username=email.lower(), password=password)
    if user is None or not user.is_active:
        throttle.login_failed(email=email, ip=ip)
        raise Unauthenticated(_("Email or password is wrong."), code="invalid_credentials")
    throttle.login_succeeded(email=email)
    secret = random_token(PERSONAL_TOKEN_PREFIX, 32)
    token = PersonalToken.objects.create(
        secret_hash=secret_digest(secret),
        user=user,
        expires_at=clock.real_now() + timedelta(seconds=settings.TRADESHIELD_API_TOKEN_TTL_SECONDS),
    )
    return secret, token


# "Last used" is for spotting stale keys (shown to the minute): a key seen within this window is not
# written again, so a busy key costs no UPDATE (nor a row lock that its concurrent requests queue on)
# on almost every request. A stored time outside the window, even one in the future, is overwritten.
API_KEY_LAST_USED_RESOLUTION = timedelta(seconds=60)


def actor_from_bearer(secret: str) -> Actor | None:
    """The actor of a bearer secret, in one statement (plus, for an API key, an UPDATE of its
    last use at most once per API_KEY_LAST_USED_RESOLUTION)."""
    digest = secret_digest(secret)
    if secret.startswith(API_KEY_PREFIX + "_"):
        key = (
            ApiKey.objects.select_related("organization__test_clock")
            .filter(secret_hash=digest, revoked_at=None)
            .first()
        )
        if key is None:
            return None
        _note_api_key_use(key)
        return Actor(user=None, organization=key.organization, role="api_key", via="api_key", api_key_id=key.id)
    if secret.startswith(PERSONAL_TOKEN_PREFIX + "_"):
        token = (
            PersonalToken.objects.select_related("user__membership__organization__test_clock")
            .filter(secret_hash=digest, expires_at__gt=clock.real_now())
            .first()
        )
        if token is None or not token.user.is_active:
            return None
        return actor_for_user(token.user, via="token")
    return None


def _note_api_key_use(key: ApiKey) -> None:
    now = clock.now()
    if key.last_used_at is not None and now - API_KEY_LAST_USED_RESOLUTION < key.last_used_at <= now:
        return
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    key.last_used_at = now
