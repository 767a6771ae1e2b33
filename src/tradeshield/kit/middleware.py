"""Requests whose URL carries a NUL character are refused before anything reads them.

PostgreSQL text cannot hold U+0000, so an id or filter with one would fail in the database (a 500)
instead of being a client error. Bodies are checked by the API's input schemas and Django's forms.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from tradeshield.kit.http import error_json


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.GET
        if "\x00" in request.path or any("\x00" in k or any("\x00" in v for v in query.getlist(k)) for k in query):
            if request.path.startswith("/api/"):
                return error_json(400, "invalid_characters", "The URL contains a NUL character.")
            return HttpResponseBadRequest("The URL contains a NUL character.")
        return self.get_response(request)
