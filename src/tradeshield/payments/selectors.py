"""Reads of payments, scoped to the buyer or supplier organization (staff see everything)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tradeshield.organizations.actors import Actor
from tradeshield.organizations.models import Organization
from tradeshield.payments.errors import PaymentNotFound
from tradeshield.payments.models import Payment, PaymentEvent, SavedMethod


def payments_visible_to(actor: Actor) -> QuerySet[Payment]:
    if actor.organization is not None:
        return Payment.objects.filter(Q(buyer=actor.organization) | Q(supplier=actor.organization))
    if actor.is_staff:
        return Payment.objects.all()
    return Payment.objects.none()


def payment_get(actor: Actor, payment_id: str) -> Payment:
    payment = payments_visible_to(actor).filter(pk=payment_id).first()
    if payment is None:
        raise PaymentNotFound(_("No such payment."))
    return payment


def payments_for_order(order_id: str) -> list[Payment]:
    return list(Payment.objects.filter(order_id=order_id).order_by("created_at"))


def payment_timeline(payment: Payment) -> list[PaymentEvent]:
    return list(payment.events.all())


def saved_methods_for(organization: Organization | None) -> list[SavedMethod]:
    if organization is None:
        return []
    return list(SavedMethod.objects.filter(buyer=organization, revoked_at__isnull=True).order_by("-created_at"))
