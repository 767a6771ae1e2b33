"""Reads, scoped to the actor: customers see their organization's tickets; agents and admins see all."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from tradeshield.kit import clock
from tradeshield.organizations.actors import Actor
from tradeshield.support.errors import TicketNotFound
from tradeshield.support.models import Status, Ticket
from tradeshield.support.services import is_agent

PRIORITY_ORDER = Case(
    When(priority="urgent", then=Value(0)),
    When(priority="high", then=Value(1)),
    When(priority="normal", then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def tickets_visible_to(actor: Actor) -> QuerySet[Ticket]:
    rows = Ticket.objects.select_related("assignee")
    if actor.organization is not None and actor.trades:
        return rows.filter(organization=actor.organization)
    if is_agent(actor):
        return rows
    return rows.none()


def ticket_get(actor: Actor, ticket_id: str) -> Ticket:
    ticket = tickets_visible_to(actor).filter(pk=ticket_id).first()
    if ticket is None:
        raise TicketNotFound(_("No such ticket."))
    return ticket


def breached_q() -> Q:
    now = clock.now()
    return Q(status=Status.OPEN) & (
        Q(first_response_at__isnull=True, first_response_due__lt=now) | Q(resolution_due__lt=now)
    )


def staff_queue(
    *, status: str | None = None, priority: str | None = None, assignee: str | None = None
) -> QuerySet[Ticket]:
    rows = Ticket.objects.select_related("assignee", "organization")
    if status:
        rows = rows.filter(status=status)
    if priority:
        rows = rows.filter(priority=priority)
    if assignee == "none":
        rows = rows.filter(assignee__isnull=True)
    elif assignee:
        rows = rows.filter(assignee_id=assignee)
    breached = Case(When(breached_q(), then=Value(0)), default=Value(1), output_field=IntegerField())
    return rows.annotate(breached_rank=breached, priority_rank=PRIORITY_ORDER).order_by(
        "breached_rank", "priority_rank", "created_at"
    )
