"""The home page: the organization's orders with counts and charts; all orders for platform staff."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tradeshield.inspections.selectors import quality_marked
from tradeshield.orders.selectors import escrow_held_by_currency, order_list, orders_visible_to
from tradeshield.orders.states import OrderStatus
from tradeshield.web.presenters import held_chart, status_chart
from tradeshield.web.views.common import actor_of
from tradeshield.web.views.inspections import agency_dashboard

PAGE_SIZE = 20


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor.is_agency_org:
        return agency_dashboard(request, actor)
    status = request.GET.get("status", "")
    status = status if status in OrderStatus.values else ""
    cursor = request.GET.get("cursor") or None
    orders = order_list(actor, status=status or None, cursor=cursor, limit=PAGE_SIZE + 1)
    visible = orders_visible_to(actor)
    counts = dict(visible.order_by().values_list("status").annotate(n=Count("id")))
    held = escrow_held_by_currency(actor)
    chart = held_chart(held)
    context = {
        "orders": orders[:PAGE_SIZE],
        "next_cursor": orders[PAGE_SIZE - 1].id if len(orders) > PAGE_SIZE else None,
        "status": status,
        "statuses": OrderStatus.choices,
        "counts": counts,
        "total_count": sum(counts.values()),
        "held": [(currency, held[currency]) for currency in chart["labels"]],
        "status_chart": status_chart(counts),
        "held_chart": chart,
        "has_access": actor.organization is not None or actor.is_staff,
        "quality_marked": quality_marked([o.id for o in orders[:PAGE_SIZE]]),
    }
    if request.headers.get("HX-Request"):
        return render(request, "web/orders/_table.html", context)
    return render(request, "web/dashboard.html", context)
