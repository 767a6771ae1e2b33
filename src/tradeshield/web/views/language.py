"""The language menu: a signed-in person's choice is saved on their account (emails follow it too)."""

from __future__ import annotations

from contextlib import suppress

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from tradeshield.accounts.services import user_set_preferred_language
from tradeshield.kit.errors import DomainError

BROWSER = "browser"  # the menu's "follow my browser" choice: forget the saved preference


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie and redirect to `next`), plus saving the choice for a signed-in user."""
    code = request.POST.get("language", "")
    response = django_set_language(request)
    if code == BROWSER:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH)
    if request.user.is_authenticated:
        with suppress(DomainError):  # an unknown code changes nothing, as Django's view does
            user_set_preferred_language(user=request.user, language="" if code == BROWSER else code)  # type: ignore[arg-type]
    return response
