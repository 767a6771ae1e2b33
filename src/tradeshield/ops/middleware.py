"""First and last to see each request: its request id, one access-log line, and the route's metrics.

The id comes from the `X-Request-ID` header when it looks like one (a reverse proxy or a client may
set it: 1 to 128 characters of letters, digits, `.`, `_`, `-`, `:`), otherwise a new one is made. It is
set in `kit.context` for the request's log lines and the jobs it defers, and echoed in the response.

Metrics are labelled by the resolved route (`api/v1/orders/<order_id>`), never the raw path, so an id
in a URL cannot blow up the number of series.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from tradeshield.kit.context import request_id
from tradeshield.ops import metrics

logger = logging.getLogger("tradeshield.http")
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
QUIET_ROUTES = {"healthz", "readyz", "metrics"}  # probes and scrapes: logged at DEBUG only


def incoming_request_id(request: HttpRequest) -> str:
    given = request.headers.get("X-Request-ID", "").strip()
    return given if _VALID_ID.match(given) else uuid.uuid4().hex


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return str(match.route)
    if request.path.startswith(settings.STATIC_URL):
        return "static"
    return "unmatched"


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = incoming_request_id(request)
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = rid
            return response
        finally:
            elapsed = time.perf_counter() - started
            route = route_of(request)
            metrics.HTTP_REQUESTS.labels(route, request.method, str(status)).inc()
            metrics.HTTP_LATENCY.labels(route, request.method).observe(elapsed)
            quiet = route in QUIET_ROUTES or route == "static"
            logger.log(
                logging.DEBUG if quiet else logging.INFO,
                "%s %s %s",
                request.method,
                request.path,
                status,
                extra={
                    "event": "http_request",
                    "method": request.method,
                    "path": request.path,
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
            request_id.reset(token)
