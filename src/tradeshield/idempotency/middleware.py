"""Applies Idempotency-Key semantics to API POSTs; required where the request moves money."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from tradeshield.idempotency import services
from tradeshield.kit.errors import DomainError
from tradeshield.kit.http import error_json, error_response
from tradeshield.organizations.auth import actor_for_request

API_PREFIX = "/api/v1/"
MONEY_MOVING = re.compile(
    r"^/api/v1/(orders/[^/]+/(payments|confirm-receipt|cancel|refunds)|payments/[^/]+/(wallet-return|cancel)"
    r"|inspections/[^/]+/(fee-payment|cancel|decision|report)|payouts"
    r"|disputes/[^/]+/(accept|withdraw|settlement/sign|decide))/?$"
)


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        key = request.headers.get("Idempotency-Key")
        if key is None:
            if MONEY_MOVING.match(request.path):
                return error_json(
                    400,
                    "idempotency_key_required",
                    _("This request moves money: send an Idempotency-Key header."),
                    "Idempotency-Key",
                )
            return self.get_response(request)
        actor = actor_for_request(request)
        if actor is None:
            return self.get_response(request)  # the endpoint answers 401
        try:
            claim = services.claim(
                scope=actor.key,
                key=key,
                method=request.method,
                path=request.path,
                request_hash=services.fingerprint(request.method, request.path, request.body),
            )
        except DomainError as error:
            return error_response(error)
        if claim.replay:
            response = HttpResponse(
                bytes(claim.record.response_body or b""),
                status=claim.record.response_status,
                content_type="application/json",
            )
            response["Idempotent-Replayed"] = "true"
            return response
        try:
            response = self.get_response(request)
        except BaseException:
            services.claim_abandon(claim.record)
            raise
        services.claim_complete(claim.record, response.status_code, response.content)
        return response
