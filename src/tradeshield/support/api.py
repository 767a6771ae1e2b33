"""Support endpoints under /api/v1/support: thin wrappers around services and selectors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from tradeshield.kit.schemas import ERROR_RESPONSES
from tradeshield.organizations.auth import API_AUTH, actor_of
from tradeshield.support import services
from tradeshield.support.errors import SupportForbidden
from tradeshield.support.models import Ticket
from tradeshield.support.schemas import (
    CallIn,
    CallOut,
    ReassignIn,
    SurveyIn,
    TicketDetailOut,
    TicketIn,
    TicketMessageIn,
    TicketMessageOut,
    TicketOut,
)
from tradeshield.support.selectors import staff_queue, ticket_get, tickets_visible_to

router = Router(tags=["support"], auth=API_AUTH)
ERRORS = ERROR_RESPONSES


def _detail(ticket: Ticket) -> dict[str, Any]:
    out = TicketOut.from_orm(ticket).dict()
    out["messages"] = list(ticket.messages.all())
    return out


@router.post("/support/tickets", response={201: TicketDetailOut, **ERRORS}, summary="Open a ticket (in-app chat)")
def open_ticket(request: HttpRequest, payload: TicketIn) -> Status[dict[str, Any]]:
    ticket = services.ticket_open(
        actor=actor_of(request), subject=payload.subject, body=payload.body, priority=payload.priority
    )
    return Status(201, _detail(ticket))


@router.get("/support/tickets", response={200: list[TicketOut], **ERRORS}, summary="Your organization's tickets")
def list_tickets(request: HttpRequest) -> list[Ticket]:
    return list(tickets_visible_to(actor_of(request)).order_by("-created_at")[:100])


@router.get(
    "/support/queue", response={200: list[TicketOut], **ERRORS}, summary="Staff queue: breached first, then priority"
)
def queue(
    request: HttpRequest, status: str | None = None, priority: str | None = None, assignee: str | None = None
) -> list[Ticket]:
    if not services.is_agent(actor_of(request)):
        raise SupportForbidden(_("Support agents only."))
    return list(staff_queue(status=status, priority=priority, assignee=assignee)[:200])


@router.get(
    "/support/tickets/{ticket_id}", response={200: TicketDetailOut, **ERRORS}, summary="A ticket with its messages"
)
def get_ticket(request: HttpRequest, ticket_id: str) -> dict[str, Any]:
    return _detail(ticket_get(actor_of(request), ticket_id))


@router.post(
    "/support/tickets/{ticket_id}/messages", response={201: TicketMessageOut, **ERRORS}, summary="Reply in the chat"
)
def post_message(request: HttpRequest, ticket_id: str, payload: TicketMessageIn) -> Status[Any]:
    actor = actor_of(request)
    ticket_get(actor, ticket_id)
    return Status(201, services.message_post(actor=actor, ticket_id=ticket_id, body=payload.body))


@router.post("/support/tickets/{ticket_id}/calls", response={201: CallOut, **ERRORS}, summary="Agents log a phone call")
def log_call(request: HttpRequest, ticket_id: str, payload: CallIn) -> Status[Any]:
    actor = actor_of(request)
    ticket_get(actor, ticket_id)
    call = services.call_log(
        actor=actor,
        ticket_id=ticket_id,
        caller=payload.caller,
        summary=payload.summary,
        duration_seconds=payload.duration_seconds,
    )
    return Status(201, call)


@router.post("/support/tickets/{ticket_id}/assign", response={200: TicketOut, **ERRORS}, summary="Reassign a ticket")
def reassign(request: HttpRequest, ticket_id: str, payload: ReassignIn) -> Ticket:
    actor = actor_of(request)
    ticket_get(actor, ticket_id)
    return services.ticket_reassign(actor=actor, ticket_id=ticket_id, assignee_id=payload.assignee_id)


@router.post("/support/tickets/{ticket_id}/close", response={200: TicketOut, **ERRORS}, summary="Close a ticket")
def close(request: HttpRequest, ticket_id: str) -> Ticket:
    actor = actor_of(request)
    ticket_get(actor, ticket_id)
    return services.ticket_close(actor=actor, ticket_id=ticket_id)


@router.post(
    "/support/tickets/{ticket_id}/survey", response={200: TicketOut, **ERRORS}, summary="Rate a closed ticket, once"
)
def survey(request: HttpRequest, ticket_id: str, payload: SurveyIn) -> Ticket:
    actor = actor_of(request)
    ticket_get(actor, ticket_id)
    return services.survey_answer(actor=actor, ticket_id=ticket_id, rating=payload.rating, comment=payload.comment)
