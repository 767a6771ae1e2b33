"""A signed-in person sees the language they chose, whatever their browser or cookie says."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from tradeshield.accounts.languages import supported_language


class PreferredLanguageMiddleware:
    """Runs after LocaleMiddleware (cookie, then Accept-Language, then English) and AuthenticationMiddleware.

    API calls that send Accept-Language get that language: a client asking for one is answered in it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        preferred = supported_language(getattr(user, "preferred_language", "")) if user is not None else None
        asks = request.path.startswith("/api/") and "HTTP_ACCEPT_LANGUAGE" in request.META
        if preferred and not asks and user is not None and user.is_authenticated:
            translation.activate(preferred)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
