"""Reads for risk staff and operations."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tradeshield.organizations.actors import Actor
from tradeshield.risk.errors import RiskCaseNotFound
from tradeshield.risk.models import AccountFreeze, CaseStatus, RiskCase
from tradeshield.risk.services import require_risk_staff


def ops_queue_size() -> int:
    """Cases waiting for a risk reviewer (the ops dashboard tile and `tradeshield_risk_queue`)."""
    return RiskCase.objects.filter(status=CaseStatus.PENDING).count()


def cases_for(actor: Actor, status: str | None = None) -> QuerySet[RiskCase]:
    require_risk_staff(actor)
    cases = RiskCase.objects.select_related("assessment").order_by("-id")
    if status:
        cases = cases.filter(status=status)
    return cases


def case_get(actor: Actor, case_id: str) -> RiskCase:
    require_risk_staff(actor)
    case = RiskCase.objects.select_related("assessment").filter(pk=case_id).first()
    if case is None:
        raise RiskCaseNotFound(_("No such risk case."))
    return case


def frozen_accounts(actor: Actor) -> QuerySet[AccountFreeze]:
    require_risk_staff(actor)
    return AccountFreeze.objects.filter(unfrozen_at__isnull=True).order_by("-frozen_at")


def is_frozen(organization_id: str) -> bool:
    return AccountFreeze.objects.filter(organization_id=organization_id, unfrozen_at__isnull=True).exists()
