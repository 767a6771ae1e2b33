"""Customer service demo: two support agents with languages and shifts, and two open tickets."""

from __future__ import annotations

from tradeshield.accounts.models import StaffRole, User
from tradeshield.demo.accounts import DEMO_PASSWORD
from tradeshield.organizations.actors import actor_for_user
from tradeshield.support import services
from tradeshield.support.models import AgentProfile, Shift


def seed_support() -> None:
    support = User.objects.get(email="support@tradeshield.example")
    night = User.objects.create_user(
        "support-emea@tradeshield.example", DEMO_PASSWORD, staff_role=StaffRole.SUPPORT_AGENT, full_name="Layla Haddad"
    )
    AgentProfile.objects.create(user=support, languages=["en", "zh", "es"])
    AgentProfile.objects.create(user=night, languages=["ar", "fr", "en"])
    for day in range(7):
        Shift.objects.create(agent=support, weekday=day, start_hour=0, end_hour=24)  # around the clock
        Shift.objects.create(agent=night, weekday=day, start_hour=6, end_hour=18)
    acme = actor_for_user(User.objects.get(email="buyer@acme-imports.example"))
    gulf = actor_for_user(User.objects.get(email="purchasing@gulf-supply.example"))
    ticket = services.ticket_open(
        actor=acme, subject="Invoice for my last order", body="Where can I download the invoice?", priority="normal"
    )
    services.message_post(
        actor=actor_for_user(support), ticket_id=ticket.id, body="On the order page, under Documents."
    )
    services.ticket_open(actor=gulf, subject="تأخر الشحنة", body="الشحنة متأخرة، متى تصل؟", priority="high")
