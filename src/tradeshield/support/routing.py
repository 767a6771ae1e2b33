"""Who gets a new ticket: an agent who speaks the language and is on shift now (UTC), least loaded first.

One transaction-scoped advisory lock serialises routing decisions, so two tickets opened at the same
moment see each other's assignment and do not both land on the same 'least loaded' agent.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.db.models import Count

from tradeshield.accounts.models import StaffRole, User
from tradeshield.support.models import AgentProfile, Shift, Status, Ticket

ROUTING_LOCK = 0x5_0990_47  # any constant: the key of the advisory lock


def on_shift(moment: datetime) -> set[str]:
    return set(
        Shift.objects.filter(weekday=moment.weekday(), start_hour__lte=moment.hour, end_hour__gt=moment.hour)
        .values_list("agent_id", flat=True)
        .distinct()
    )


def pick_agent(language: str, moment: datetime) -> User | None:
    """Call inside the transaction that assigns the ticket."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROUTING_LOCK])
    present = on_shift(moment)
    agents = User.objects.filter(id__in=present, is_active=True, staff_role=StaffRole.SUPPORT_AGENT)
    speakers = set(
        AgentProfile.objects.filter(user_id__in=present, languages__contains=[language]).values_list(
            "user_id", flat=True
        )
    )
    pool = agents.filter(id__in=speakers) if speakers else agents
    ranked = list(pool)
    loads = _loads([u.id for u in ranked])
    choices = sorted(ranked, key=lambda u: (loads.get(u.id, 0), u.id))
    return choices[0] if choices else None


def _loads(agent_ids: list[str]) -> dict[str, int]:
    rows = (
        Ticket.objects.filter(assignee_id__in=agent_ids, status=Status.OPEN)
        .values("assignee_id")
        .annotate(n=Count("id"))
    )
    return {r["assignee_id"]: r["n"] for r in rows}
