"""Operations endpoints (health, readiness, Prometheus metrics) and the staff vital-signs dashboard."""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tradeshield.kit import clock
from tradeshield.kit.money import format_amount
from tradeshield.ops import health, selectors
from tradeshield.ops.metrics import exposition
from tradeshield.web.presenters import held_chart, status_chart
from tradeshield.web.views.common import actor_of

PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and serving; checks nothing else (that is /readyz)."""
    return JsonResponse({"status": "ok", "time": clock.real_now().isoformat()})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    result = health.readiness()
    response = JsonResponse(result.as_json(), status=200 if result.ok else 503)
    response._has_been_logged = True  # type: ignore[attr-defined]  # a 503 here is an answer, not an error
    return response


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for a bearer of TRADESHIELD_METRICS_TOKEN only; 404 while no token is set."""
    token = settings.TRADESHIELD_METRICS_TOKEN
    if not token:
        return JsonResponse(
            {"error": {"code": "metrics_disabled", "message": "Set TRADESHIELD_METRICS_TOKEN."}}, status=404
        )
    scheme, _sep, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        response = JsonResponse({"error": {"code": "unauthenticated", "message": "Bearer token required."}}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=PROMETHEUS_TEXT)


def _money_rows(amounts: dict[str, int]) -> list[tuple[str, str]]:
    return [(currency, format_amount(amount, currency)) for currency, amount in sorted(amounts.items())]


def _queue_chart(queue: dict[str, int]) -> dict[str, Any]:
    order = ["todo", "doing", "failed", "succeeded", "cancelled", "aborted"]
    tones = {"todo": "warning", "doing": "primary", "failed": "danger", "succeeded": "success"}
    present = [s for s in order if queue.get(s)] + sorted(s for s in queue if s not in order and queue[s])
    labels = {
        "todo": _("Waiting"),
        "doing": _("Running"),
        "failed": _("Failed"),
        "succeeded": _("Done"),
        "cancelled": _("Cancelled"),
        "aborted": _("Aborted"),
    }
    return {
        "labels": [str(labels.get(s, s)) for s in present],
        "values": [queue[s] for s in present],
        "tones": [tones.get(s, "muted") for s in present],
        "label": str(_("Jobs")),
    }


def _late_chart(by_days: dict[str, int]) -> dict[str, Any]:
    labels = {"1_3": _("1–3 days late"), "4_7": _("4–7 days late"), "8_plus": _("8 days or more")}  # noqa: RUF001
    keys = [k for k in ("1_3", "4_7", "8_plus") if by_days.get(k)]
    return {
        "labels": [str(labels[k]) for k in keys],
        "values": [by_days[k] for k in keys],
        "tones": ["warning", "danger", "danger"][: len(keys)],
        "label": str(_("Late shipments")),
    }


@login_required
@require_GET
def vital_signs(request: HttpRequest) -> HttpResponse:
    """The back office's vital signs: money held, orders, lateness, compensation, webhooks, jobs."""
    if not actor_of(request).is_staff:
        raise PermissionDenied(_("Only platform staff see the platform's vital signs."))
    signs = selectors.vital_signs()
    disputes = None
    if signs.disputes is not None:
        disputes = [
            (stage, [ages.get(bucket, 0) for bucket in selectors.AGE_BUCKETS], sum(ages.values()))
            for stage, ages in sorted(signs.disputes.items())
        ]
    context = {
        "signs": signs,
        "disputes_total": sum(total for _, _, total in disputes or []),
        "escrow_rows": _money_rows(signs.escrow),
        "compensation_rows": [
            (currency, n, format_amount(total, currency))
            for currency, (n, total) in sorted(signs.compensation_week.items())
        ],
        "orders_total": sum(signs.orders_by_status.values()),
        "status_chart": status_chart(signs.orders_by_status),
        "held_chart": held_chart(signs.escrow),
        "queue_chart": _queue_chart(signs.queue_by_status),
        "late_chart": _late_chart(signs.late_by_days),
        "queue_waiting": signs.queue_by_status.get("todo", 0),
        "queue_failed": signs.queue_by_status.get("failed", 0),
        "disputes": disputes,
        "age_buckets": [_("Under 3 days"), _("3–7 days"), _("Over 7 days")],  # noqa: RUF001
    }
    return render(request, "web/staff/vital_signs.html", context)
