"""Customer service in the web UI: a customer's tickets and live chat, and the staff queue and ticket page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tradeshield.accounts.models import StaffRole, User
from tradeshield.kit.errors import DomainError
from tradeshield.organizations.actors import Actor
from tradeshield.support import selectors, services
from tradeshield.support.models import Priority, Status, Ticket
from tradeshield.web.views.common import actor_of, not_found_on

POLL_SECONDS = 5


def _ticket(actor: Actor, ticket_id: str) -> Ticket:
    try:
        return selectors.ticket_get(actor, ticket_id)
    except DomainError as error:
        not_found_on(error)
        raise


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return -1


@login_required
@require_http_methods(["GET", "POST"])
def ticket_list(request: HttpRequest) -> HttpResponse:
    """A customer's organization's tickets, and the form that opens one."""
    actor = actor_of(request)
    if request.method == "POST":
        try:
            ticket = services.ticket_open(
                actor=actor,
                subject=request.POST.get("subject", ""),
                body=request.POST.get("body", ""),
                priority=request.POST.get("priority", Priority.NORMAL),
            )
        except DomainError as error:
            if error.status == 403:
                raise PermissionDenied(error.message) from error
            messages.error(request, error.message)
            return redirect("web:support_tickets")
        return redirect("web:support_ticket", ticket.id)
    tickets = selectors.tickets_visible_to(actor).order_by("-created_at")[:50]
    return render(request, "web/support/list.html", {"tickets": tickets, "priorities": Priority.choices})


def _context(actor: Actor, ticket: Ticket) -> dict[str, Any]:
    agent = services.is_agent(actor)
    return {
        "ticket": ticket,
        "messages_list": ticket.messages.select_related("author"),
        "calls": ticket.calls.all() if agent else [],
        "agent": agent,
        "agents": User.objects.filter(staff_role=StaffRole.SUPPORT_AGENT, is_active=True) if agent else [],
        "live_url": reverse("web:support_live", args=[ticket.id]),
        "poll_seconds": POLL_SECONDS,
    }


@login_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request: HttpRequest, ticket_id: str) -> HttpResponse:
    actor = actor_of(request)
    ticket = _ticket(actor, ticket_id)
    if request.method == "POST":
        _act(request, actor, ticket)
        return redirect("web:support_ticket", ticket.id)
    return render(request, "web/support/ticket.html", _context(actor, ticket))


def _act(request: HttpRequest, actor: Actor, ticket: Ticket) -> None:
    post, action = request.POST, request.POST.get("action", "")
    try:
        if action == "reply":
            services.message_post(actor=actor, ticket_id=ticket.id, body=post.get("body", ""))
        elif action == "call":
            services.call_log(
                actor=actor,
                ticket_id=ticket.id,
                caller=post.get("caller", ""),
                summary=post.get("summary", ""),
                duration_seconds=_int(post.get("duration_seconds")),
            )
        elif action == "assign":
            services.ticket_reassign(actor=actor, ticket_id=ticket.id, assignee_id=post.get("assignee_id", ""))
        elif action == "close":
            services.ticket_close(actor=actor, ticket_id=ticket.id)
        elif action == "survey":
            services.survey_answer(
                actor=actor, ticket_id=ticket.id, rating=_int(post.get("rating")), comment=post.get("comment", "")
            )
        else:
            messages.error(request, _("Choose an action."))
            return
    except DomainError as error:
        messages.error(request, error.message)
        return
    messages.success(request, _("Saved."))


@login_required
@require_GET
def ticket_live(request: HttpRequest, ticket_id: str) -> HttpResponse:
    """The conversation alone, for htmx polling."""
    actor = actor_of(request)
    return render(request, "web/support/_messages.html", _context(actor, _ticket(actor, ticket_id)))


@login_required
@require_GET
def staff_queue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not services.is_agent(actor):
        raise PermissionDenied
    filters = {k: request.GET.get(k) or None for k in ("status", "priority", "assignee")}
    rows = selectors.staff_queue(**filters)[:200]
    agents = User.objects.filter(staff_role=StaffRole.SUPPORT_AGENT, is_active=True)
    context = {
        "tickets": rows,
        "filters": filters,
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "agents": agents,
        "breached": set(selectors.staff_queue().filter(selectors.breached_q()).values_list("id", flat=True)),
    }
    return render(request, "web/support/queue.html", context)
