"""Reads of legal consultations: the requesting organization and the chosen firm, nobody else."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tradeshield.kit.errors import NotFound
from tradeshield.legal.models import Consultation
from tradeshield.organizations.actors import Actor
from tradeshield.organizations.models import Organization, OrgKind


def legal_partners() -> QuerySet[Organization]:
    return Organization.objects.filter(kind=OrgKind.LEGAL_PARTNER).order_by("name")


def consultations_visible_to(actor: Actor) -> QuerySet[Consultation]:
    queryset = Consultation.objects.select_related("order", "requester", "firm", "bundle")
    if actor.organization is None:
        return queryset.none()  # staff do not read privileged conversations between a party and its lawyers
    return queryset.filter(Q(requester=actor.organization) | Q(firm=actor.organization))


def consultation_get(actor: Actor, consultation_id: str) -> Consultation:
    consultation = consultations_visible_to(actor).filter(pk=consultation_id).first()
    if consultation is None:
        raise NotFound(_("No such consultation."))
    return consultation
