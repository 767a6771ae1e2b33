"""Who a bearer token or API key acts as, and when it is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.conftest import ApiClient, make_party

from tradeshield.accounts.models import User
from tradeshield.kit import clock
from tradeshield.organizations import services as orgs
from tradeshield.organizations.actors import actor_for_user
from tradeshield.organizations.models import ApiKey, OrgKind, PersonalToken

pytestmark = pytest.mark.django_db


def me(client: ApiClient) -> dict:
    response = client.get("/me")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_personal_token_acts_as_its_member(supplier):
    assert me(supplier.client) == {
        "user_id": supplier.user.id,
        "email": supplier.user.email,
        "role": "owner",
        "staff_role": "",
        "organization": {
            "id": supplier.org.id,
            "name": "Shenzhen Widgets",
            "kind": "supplier",
            "country": "CN",
            "languages": ["en"],
            "default_currency": "USD",
        },
    }
    actor = orgs.actor_from_bearer(supplier.client.token)
    assert actor is not None and (actor.via, actor.role, actor.org_id) == ("token", "owner", supplier.org.id)
    assert actor.can("order.ship") and not actor.is_buyer_org


def test_an_expired_token_or_an_inactive_user_is_401(buyer):
    PersonalToken.objects.filter(user=buyer.user).update(expires_at=clock.real_now() - timedelta(seconds=1))
    assert buyer.client.get("/me").status_code == 401
    other = make_party(OrgKind.BUYER, "Dormant", "FR")
    User.objects.filter(pk=other.user.pk).update(is_active=False)
    assert other.client.get("/me").status_code == 401
    assert orgs.actor_from_bearer(other.client.token) is None


def test_unknown_or_malformed_secrets_are_401(buyer):
    for secret in ("tsp_not-a-token", "tsk_not-a-key", buyer.client.token.replace("tsp_", "tsx_")):
        assert ApiClient(secret).get("/me").status_code == 401, secret


def test_a_member_without_an_organization_and_staff_have_no_organization(buyer):
    buyer.user.membership.delete()
    assert me(buyer.client) == {
        "user_id": buyer.user.id,
        "email": buyer.user.email,
        "role": "",
        "staff_role": "",
        "organization": None,
    }
    buyer.user.staff_role = "admin"
    buyer.user.save()
    assert me(buyer.client)["staff_role"] == "admin"
    actor = orgs.actor_from_bearer(buyer.client.token)
    assert actor is not None and actor.is_staff and actor.organization is None and actor.role == ""


def test_an_api_key_acts_as_its_organization_and_notes_its_last_use(buyer):
    key, secret = orgs.api_key_create(organization=buyer.org, name="ERP")
    assert key.last_used_at is None
    answer = me(ApiClient(secret))
    assert (answer["user_id"], answer["role"], answer["organization"]["id"]) == (None, "api_key", buyer.org.id)
    first_use = ApiKey.objects.get(pk=key.pk).last_used_at
    assert first_use is not None and abs(first_use - clock.now()) < timedelta(seconds=5)

    me(ApiClient(secret))  # within the minute: the first use stands
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first_use

    for stored in (clock.now() - timedelta(minutes=2), clock.now() + timedelta(days=1)):  # stale, or ahead
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=stored)
        me(ApiClient(secret))
        assert abs(ApiKey.objects.get(pk=key.pk).last_used_at - clock.now()) < timedelta(seconds=5)


def test_the_session_acts_as_the_same_member_as_a_token(supplier):
    browser = Client()
    browser.force_login(supplier.user)
    by_session = browser.get("/api/v1/me").json()
    assert by_session == me(supplier.client)


def test_the_membership_is_loaded_once_and_cached_like_django_would(supplier):
    user = User.objects.get(pk=supplier.user.pk)
    with CaptureQueriesContext(connection) as captured:
        actor = actor_for_user(user)
        again = actor_for_user(user)
        membership = user.membership
        organization = membership.organization
    assert len(captured.captured_queries) == 1
    assert membership.user is user and organization.id == supplier.org.id
    assert again == actor and actor.role == "owner"

    loner = User.objects.create_user("loner@example.test", "x")
    with CaptureQueriesContext(connection) as captured:
        assert actor_for_user(loner).organization is None
        assert actor_for_user(loner).organization is None
        assert getattr(loner, "membership", None) is None
    assert len(captured.captured_queries) == 1
