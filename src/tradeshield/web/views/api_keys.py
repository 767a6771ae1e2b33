"""API keys of the organization, for its owners: list, create (the secret is shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tradeshield.kit.errors import DomainError
from tradeshield.organizations import services as orgs
from tradeshield.organizations.actors import Actor
from tradeshield.organizations.selectors import api_keys_for
from tradeshield.web.forms import ApiKeyForm
from tradeshield.web.views.common import actor_of, not_found_on


def _owner(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if actor.organization is None or not actor.can("org.admin"):
        raise PermissionDenied(_("Only organization owners manage API keys."))
    return actor


@login_required
@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest) -> HttpResponse:
    actor = _owner(request)
    assert actor.organization is not None
    secret = None
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _key, secret = orgs.api_key_create(
            organization=actor.organization, name=form.cleaned_data["name"], created_by=actor.user
        )
        form = ApiKeyForm()
    keys = api_keys_for(actor.organization)
    response = render(request, "web/account/api_keys.html", {"form": form, "keys": keys, "secret": secret})
    if secret:
        response["Cache-Control"] = "no-store"  # the secret is on this page, and only on this page
    return response


@login_required
@require_POST
def api_key_revoke(request: HttpRequest, key_id: str) -> HttpResponse:
    actor = _owner(request)
    assert actor.organization is not None
    try:
        key = orgs.api_key_revoke(organization=actor.organization, key_id=key_id)
    except DomainError as error:
        not_found_on(error)
        raise
    messages.success(request, _("Key “%(name)s” revoked. Requests with it now fail.") % {"name": key.name})
    return redirect("web:api_keys")
