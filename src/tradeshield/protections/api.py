"""Simulation clocks for sandboxes (platform admins), and the protection policy."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from tradeshield.clocks import services as clocks
from tradeshield.clocks.errors import TestClockNotFound
from tradeshield.clocks.models import TestClock
from tradeshield.kit.errors import Forbidden, Invalid
from tradeshield.kit.schemas import ERROR_RESPONSES, StrictIn
from tradeshield.organizations.auth import API_AUTH, actor_of
from tradeshield.organizations.models import Organization
from tradeshield.protections import services
from tradeshield.protections.models import ProtectionPolicy
from tradeshield.protections.policy import current_policy

router = Router(tags=["test clocks"], auth=API_AUTH)
ERRORS = ERROR_RESPONSES


class TestClockIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=100)
    start_at: datetime
    organization_ids: list[str] = Field(default_factory=list, max_length=100)


class AdvanceIn(StrictIn):
    to: datetime


class AttachIn(StrictIn):
    organization_id: str


class TestClockOut(Schema):
    id: str
    name: str
    now: datetime
    organization_ids: list[str]
    created_at: datetime


class AdvanceOut(Schema):
    clock: TestClockOut
    actions: dict[str, int] = Field(..., description="How many times each rule fired while advancing.")


def _admin(request: HttpRequest) -> None:
    if actor_of(request).staff_role != "admin":
        raise Forbidden(_("Only platform admins manage test clocks."), code="forbidden_role")


def _render(clock: TestClock) -> dict[str, Any]:
    return {
        "id": clock.id,
        "name": clock.name,
        "now": clock.now_at,
        "organization_ids": sorted(clock.organizations.values_list("id", flat=True)),
        "created_at": clock.created_at,
    }


def _get(clock_id: str) -> TestClock:
    clock = TestClock.objects.filter(pk=clock_id).first()
    if clock is None:
        raise TestClockNotFound(_("No such test clock. Only simulation clocks can be advanced; real time cannot."))
    return clock


def _attach(clock: TestClock, organization_id: str) -> None:
    org = Organization.objects.filter(pk=organization_id).first()
    if org is None:
        raise Invalid(_("No such organization."), field="organization_id", code="organization_not_found")
    if org.purchases.exists() or org.sales.exists():
        raise Invalid(
            _("Only an organization without orders can move onto a test clock."),
            field="organization_id",
            code="organization_has_orders",
        )
    org.test_clock = clock
    org.save(update_fields=["test_clock"])


@router.post("/test-clocks", response={201: TestClockOut, **ERRORS}, summary="Create a simulation clock")
def create_clock(request: HttpRequest, payload: TestClockIn) -> Status[dict[str, Any]]:
    _admin(request)
    clock = clocks.test_clock_create(name=payload.name, start_at=payload.start_at)
    for organization_id in payload.organization_ids:
        _attach(clock, organization_id)
    return Status(201, _render(clock))


@router.get("/test-clocks/{clock_id}", response={200: TestClockOut, **ERRORS})
def get_clock(request: HttpRequest, clock_id: str) -> dict[str, Any]:
    _admin(request)
    return _render(_get(clock_id))


@router.post(
    "/test-clocks/{clock_id}/organizations",
    response={200: TestClockOut, **ERRORS},
    summary="Put an organization (with no orders yet) on this clock",
)
def attach_organization(request: HttpRequest, clock_id: str, payload: AttachIn) -> dict[str, Any]:
    _admin(request)
    clock = _get(clock_id)
    _attach(clock, payload.organization_id)
    return _render(clock)


@router.post(
    "/test-clocks/{clock_id}/advance",
    response={200: AdvanceOut, **ERRORS},
    summary="Move the clock forward; every rule that falls due fires, in order",
)
def advance_clock(request: HttpRequest, clock_id: str, payload: AdvanceIn) -> dict[str, Any]:
    _admin(request)
    clock, report = services.test_clock_advance(clock_id=clock_id, to=payload.to)
    return {"clock": _render(clock), "actions": dict(report.acted)}


class PolicyOut(Schema):
    late_compensation_percent: str = Field(..., description="Percent of the order value, as a decimal string.")
    late_compensation_cap_usd: int = Field(..., description="USD minor units (cents).")
    late_compensation_after_days: int
    late_cancel_after_days: int
    unpaid_expiry_days: int
    balance_grace_days: int
    auto_confirm_after_delivery_days: int
    auto_confirm_after_dispatch_days: int
    reminder_days_before: int


class PolicyIn(StrictIn):
    late_compensation_percent: Decimal | None = Field(None, ge=0, le=100)
    late_compensation_cap_usd: int | None = Field(None, ge=0, le=10**12)
    late_compensation_after_days: int | None = Field(None, ge=0, le=365)
    late_cancel_after_days: int | None = Field(None, ge=1, le=365)
    unpaid_expiry_days: int | None = Field(None, ge=1, le=365)
    balance_grace_days: int | None = Field(None, ge=0, le=365)
    auto_confirm_after_delivery_days: int | None = Field(None, ge=1, le=365)
    auto_confirm_after_dispatch_days: int | None = Field(None, ge=1, le=365)
    reminder_days_before: int | None = Field(None, ge=0, le=30)


def _policy_out(policy: ProtectionPolicy) -> dict[str, Any]:
    return {field: getattr(policy, field) for field in PolicyOut.model_fields} | {
        "late_compensation_percent": f"{Decimal(policy.late_compensation_percent):.2f}"
    }


@router.get("/protection-policy", response={200: PolicyOut, **ERRORS}, tags=["protection policy"])
def get_policy(request: HttpRequest) -> dict[str, Any]:
    actor_of(request)
    return _policy_out(current_policy())


@router.patch(
    "/protection-policy",
    response={200: PolicyOut, **ERRORS},
    tags=["protection policy"],
    summary="Change protection numbers (platform admins); applies to every later sweep",
)
def update_policy(request: HttpRequest, payload: PolicyIn) -> dict[str, Any]:
    _admin(request)
    changes = payload.model_dump(exclude_none=True)
    policy = current_policy()
    for field, value in changes.items():
        setattr(policy, field, value)
    if policy.reminder_days_before >= min(
        policy.auto_confirm_after_delivery_days, policy.auto_confirm_after_dispatch_days
    ):
        raise Invalid(
            _("The reminder must come before auto-confirmation."), field="reminder_days_before", code="policy_invalid"
        )
    policy.save()
    return _policy_out(policy)
