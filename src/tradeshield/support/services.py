"""Writes for customer service. Each public function is one transaction."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tradeshield.accounts.models import StaffRole, User
from tradeshield.kit import clock
from tradeshield.organizations.actors import Actor
from tradeshield.support import routing
from tradeshield.support.errors import (
    SupportForbidden,
    SupportInvalid,
    SurveyAlreadyAnswered,
    TicketClosed,
    TicketNotClosed,
    TicketNotFound,
)
from tradeshield.support.models import (
    Channel,
    Escalation,
    Message,
    PhoneCall,
    Priority,
    PriorityPolicy,
    Status,
    Ticket,
)
from tradeshield.support.policy import DEFAULT_TARGETS, MAX_MESSAGE

AGENT_ROLES = (StaffRole.SUPPORT_AGENT, StaffRole.ADMIN)


def is_agent(actor: Actor) -> bool:
    return actor.organization is None and actor.staff_role in AGENT_ROLES


def _text(value: str, field: str, limit: int = MAX_MESSAGE) -> str:
    value = (value or "").strip()
    if not value:
        raise SupportInvalid(_("This may not be empty."), field=field)
    if len(value) > limit:
        raise SupportInvalid(
            ngettext("At most %(limit)s character.", "At most %(limit)s characters.", limit) % {"limit": limit},
            field=field,
        )
    return value


def targets(priority: str) -> tuple[int, int]:
    row = PriorityPolicy.objects.filter(priority=priority).first()
    if row is None:
        return DEFAULT_TARGETS[priority]
    return row.first_response_minutes, row.resolution_minutes


def _locked(ticket_id: str) -> Ticket:
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise TicketNotFound(_("No such ticket."))
    return ticket


def _open(
    *,
    subject: str,
    body: str,
    channel: str,
    priority: str,
    language: str,
    organization_id: str | None,
    requester: User | None,
    requester_email: str,
    author: User | None,
    from_agent: bool = False,
) -> Ticket:
    if priority not in Priority.values:
        raise SupportInvalid(_("Unknown priority."), field="priority")
    now = clock.now()
    first, resolution = targets(priority)
    ticket = Ticket(
        subject=_text(subject, "subject", 200),
        channel=channel,
        priority=priority,
        language=(language or "en")[:10],
        organization_id=organization_id,
        requester=requester,
        requester_email=requester_email,
        created_at=now,
        first_response_due=now + timedelta(minutes=first),
        resolution_due=now + timedelta(minutes=resolution),
    )
    body = _text(body, "body")
    ticket.assignee = routing.pick_agent(ticket.language, now)
    ticket.save()
    Message.objects.create(ticket=ticket, author=author, from_agent=from_agent, channel=channel, body=body)
    return ticket


@transaction.atomic
def ticket_open(*, actor: Actor, subject: str, body: str, priority: str = Priority.NORMAL) -> Ticket:
    """A buyer or supplier member opens a ticket in the in-app chat."""
    if not actor.trades or actor.user is None:
        raise SupportForbidden(_("Only buyer and supplier members open tickets here."))
    return _open(
        subject=subject,
        body=body,
        channel=Channel.CHAT,
        priority=priority,
        language=actor.user.preferred_language or "en",
        organization_id=actor.org_id,
        requester=actor.user,
        requester_email=actor.user.email,
        author=actor.user,
    )


@transaction.atomic
def message_post(*, actor: Actor, ticket_id: str, body: str, channel: str = Channel.CHAT) -> Message:
    ticket = _locked(ticket_id)
    agent = is_agent(actor)
    if not agent and (actor.org_id is None or actor.org_id != ticket.organization_id):
        raise TicketNotFound(_("No such ticket."))
    if ticket.status == Status.CLOSED:
        raise TicketClosed(_("This ticket is closed."))
    message = Message.objects.create(
        ticket=ticket, author=actor.user, from_agent=agent, channel=channel, body=_text(body, "body")
    )
    if agent and ticket.first_response_at is None:
        ticket.first_response_at = clock.now()
        ticket.save(update_fields=["first_response_at"])
    return message


@transaction.atomic
def email_received(*, sender: str, subject: str, body: str, token: str | None) -> tuple[Ticket, bool]:
    """An inbound email: a reply to the ticket named by `token`, or a new ticket. Returns (ticket, created)."""
    sender = sender.strip().lower()
    if token:
        ticket = Ticket.objects.select_for_update().filter(token=token).first()
        if ticket is not None and ticket.status == Status.OPEN:
            from_customer = sender == ticket.requester_email.lower()
            if from_customer or ticket.organization_id is None:
                author = ticket.requester if from_customer else None
                Message.objects.create(ticket=ticket, author=author, channel=Channel.EMAIL, body=_text(body, "body"))
                return ticket, False
    user = User.objects.filter(email__iexact=sender).first()
    membership = getattr(user, "membership", None) if user else None
    ticket = _open(
        subject=subject or "(no subject)",
        body=body,
        channel=Channel.EMAIL,
        priority=Priority.NORMAL,
        language=(user.preferred_language if user else "") or "en",
        organization_id=membership.organization_id if membership else None,
        requester=user if membership else None,
        requester_email=sender,
        author=user if membership else None,
    )
    return ticket, True


@transaction.atomic
def call_log(*, actor: Actor, ticket_id: str, caller: str, summary: str, duration_seconds: int) -> PhoneCall:
    if not is_agent(actor) or actor.user is None:
        raise SupportForbidden(_("Only support agents log calls."))
    ticket = _locked(ticket_id)
    if duration_seconds < 0 or duration_seconds > 24 * 3600:
        raise SupportInvalid(_("Duration is 0 to 86400 seconds."), field="duration_seconds")
    call = PhoneCall.objects.create(
        ticket=ticket,
        agent=actor.user,
        caller=_text(caller, "caller", 200),
        summary=_text(summary, "summary"),
        duration_seconds=duration_seconds,
    )
    if ticket.first_response_at is None:
        ticket.first_response_at = clock.now()
        ticket.save(update_fields=["first_response_at"])
    return call


@transaction.atomic
def ticket_reassign(*, actor: Actor, ticket_id: str, assignee_id: str) -> Ticket:
    if not is_agent(actor):
        raise SupportForbidden(_("Only support agents reassign tickets."))
    ticket = _locked(ticket_id)
    agent = User.objects.filter(pk=assignee_id, staff_role=StaffRole.SUPPORT_AGENT, is_active=True).first()
    if agent is None:
        raise SupportInvalid(_("No such support agent."), field="assignee_id")
    ticket.assignee = agent
    ticket.save(update_fields=["assignee"])
    return ticket


@transaction.atomic
def ticket_close(*, actor: Actor, ticket_id: str) -> Ticket:
    ticket = _locked(ticket_id)
    if not is_agent(actor) and (actor.org_id is None or actor.org_id != ticket.organization_id):
        raise TicketNotFound(_("No such ticket."))
    if ticket.status == Status.CLOSED:
        raise TicketClosed(_("This ticket is already closed."))
    ticket.status = Status.CLOSED
    ticket.closed_at = clock.now()
    ticket.save(update_fields=["status", "closed_at"])
    return ticket


@transaction.atomic
def survey_answer(*, actor: Actor, ticket_id: str, rating: int, comment: str = "") -> Ticket:
    ticket = _locked(ticket_id)
    if actor.org_id is None or actor.org_id != ticket.organization_id:
        if is_agent(actor):
            raise SupportForbidden(_("Only the customer answers the survey."))
        raise TicketNotFound(_("No such ticket."))
    if ticket.status != Status.CLOSED:
        raise TicketNotClosed(_("The survey opens when the ticket is closed."))
    if ticket.rated_at is not None:
        raise SurveyAlreadyAnswered(_("This survey has been answered."))
    if not 1 <= rating <= 5:
        raise SupportInvalid(_("A rating is 1 to 5."), field="rating")
    if len(comment) > MAX_MESSAGE:
        raise SupportInvalid(
            ngettext("At most %(limit)s character.", "At most %(limit)s characters.", MAX_MESSAGE)
            % {"limit": MAX_MESSAGE},
            field="comment",
        )
    ticket.rating, ticket.rating_comment, ticket.rated_at = rating, comment.strip(), clock.now()
    ticket.save(update_fields=["rating", "rating_comment", "rated_at"])
    return ticket


def _notify_supervisors(ticket: Ticket, target: str) -> None:
    to = list(User.objects.filter(staff_role=StaffRole.ADMIN, is_active=True).values_list("email", flat=True))
    if to:
        send_mail(
            f"[TradeShield support] {ticket.priority} ticket {ticket.id} breached its {target} target",
            f"Ticket {ticket.id} ({ticket.subject}) is past its {target} target.",
            None,
            to,
            fail_silently=True,
        )


def escalate_breached(limit: int = 200) -> int:
    """The sweep: each open ticket past a target gets one Escalation row per target, and a notice."""
    now = clock.now()
    made = 0
    checks = (
        ("first_response", {"first_response_at__isnull": True, "first_response_due__lt": now}, "first_response_due"),
        ("resolution", {"resolution_due__lt": now}, "resolution_due"),
    )
    for target, conditions, due_field in checks:
        ids = list(
            Ticket.objects.filter(status=Status.OPEN, **conditions)
            .exclude(escalations__target=target)
            .values_list("id", flat=True)[:limit]
        )
        for ticket_id in ids:
            with transaction.atomic():
                ticket = Ticket.objects.select_for_update(skip_locked=True).filter(pk=ticket_id).first()
                if ticket is None:
                    continue
                try:
                    with transaction.atomic():
                        Escalation.objects.create(ticket=ticket, target=target, due_at=getattr(ticket, due_field))
                except IntegrityError:
                    continue
                transaction.on_commit(partial(_notify_supervisors, ticket, target))
                made += 1
    return made
