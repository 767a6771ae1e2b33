"""Payout endpoints: balances, bank accounts (adding one needs re-authentication), payouts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from tradeshield.kit.crypto import mask
from tradeshield.kit.money import CurrencyMismatch
from tradeshield.kit.schemas import ERROR_RESPONSES, MoneySchema, StrictIn, money
from tradeshield.organizations.auth import API_AUTH, actor_of
from tradeshield.payouts import services
from tradeshield.payouts.models import Payout, PayoutAccount
from tradeshield.security.reauth import HEADER, require_recent_auth

router = Router(tags=["payouts"], auth=API_AUTH)
ERRORS = ERROR_RESPONSES


class PayoutAccountIn(StrictIn):
    scheme: Literal["iban", "us_aba"]
    holder_name: str = Field(..., min_length=1, max_length=140)
    currency: str = Field(..., min_length=3, max_length=3)
    iban: str = Field("", max_length=42)
    routing_number: str = Field("", max_length=12)
    account_number: str = Field("", max_length=20)


class PayoutAccountOut(Schema):
    id: str
    scheme: str
    holder_name: str
    currency: str
    country: str
    number: str = Field(..., description="Masked: only the last 4 characters.")
    status: str
    created_at: datetime
    verified_at: datetime | None


class VerifyIn(StrictIn):
    amounts: list[int] = Field(..., min_length=2, max_length=2, description="The two micro-deposits, minor units.")


class PayoutIn(StrictIn):
    payout_account_id: str = Field(..., max_length=40)
    amount: MoneySchema


class PayoutOut(Schema):
    id: str
    payout_account_id: str
    amount: MoneySchema
    status: str
    trigger: str
    failure_code: str
    created_at: datetime
    paid_at: datetime | None


class BalanceOut(Schema):
    currency: str
    available: MoneySchema
    reserved: MoneySchema
    in_transit: MoneySchema


def render_account(account: PayoutAccount) -> dict[str, Any]:
    return {
        "id": account.id,
        "scheme": account.scheme,
        "holder_name": account.holder_name,
        "currency": account.currency,
        "country": account.country,
        "number": mask(account.last4),
        "status": account.status,
        "created_at": account.created_at,
        "verified_at": account.verified_at,
    }


def render_payout(payout: Payout) -> dict[str, Any]:
    return {
        "id": payout.id,
        "payout_account_id": payout.account_id,
        "amount": money(payout.amount, payout.currency),
        "status": payout.status,
        "trigger": payout.trigger,
        "failure_code": payout.failure_code,
        "created_at": payout.created_at,
        "paid_at": payout.paid_at,
    }


@router.get("/payouts/balances", response={200: list[BalanceOut], **ERRORS}, summary="Available, reserved, in transit")
def get_balances(request: HttpRequest) -> list[dict[str, Any]]:
    organization = services.require_payout_role(actor_of(request))
    out = []
    for currency in services.balance_currencies(organization):
        b = services.balances(organization, currency)
        out.append(
            {
                "currency": currency,
                "available": money(b.available, currency),
                "reserved": money(b.reserved, currency),
                "in_transit": money(b.in_transit, currency),
            }
        )
    return out


@router.get("/payout-accounts", response={200: list[PayoutAccountOut], **ERRORS})
def list_accounts(request: HttpRequest) -> list[dict[str, Any]]:
    organization = services.require_payout_role(actor_of(request))
    return [render_account(a) for a in PayoutAccount.objects.filter(organization=organization).order_by("-created_at")]


@router.post(
    "/payout-accounts",
    response={201: PayoutAccountOut, **ERRORS},
    summary=f"Add a bank account (re-authentication: send your password in {HEADER}); micro-deposits follow",
)
def add_account(request: HttpRequest, payload: PayoutAccountIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    services.require_payout_role(actor)
    require_recent_auth(request, actor.user, via=actor.via)
    account = services.payout_account_add(actor=actor, **payload.model_dump())
    return Status(201, render_account(account))


@router.post(
    "/payout-accounts/{account_id}/verify",
    response={200: PayoutAccountOut, **ERRORS},
    summary="Confirm the two micro-deposit amounts",
)
def verify_account(request: HttpRequest, account_id: str, payload: VerifyIn) -> dict[str, Any]:
    return render_account(
        services.payout_account_verify(actor=actor_of(request), account_id=account_id, amounts=payload.amounts)
    )


@router.get("/payouts", response={200: list[PayoutOut], **ERRORS})
def list_payouts(request: HttpRequest) -> list[dict[str, Any]]:
    organization = services.require_payout_role(actor_of(request))
    return [render_payout(p) for p in Payout.objects.filter(organization=organization).order_by("-created_at")[:100]]


@router.post(
    "/payouts",
    response={201: PayoutOut, **ERRORS},
    summary="Pay out now (at least the minimum, at most the available balance; Idempotency-Key required)",
)
def create_payout(request: HttpRequest, payload: PayoutIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    account = services.payout_account_for(actor, payload.payout_account_id)
    if payload.amount.currency != account.currency:
        raise CurrencyMismatch(
            _("This account is paid in %(currency)s.") % {"currency": account.currency}, field="amount.currency"
        )
    payout = services.payout_create(actor=actor, account_id=account.id, amount=payload.amount.amount)
    return Status(201, render_payout(payout))


@router.get("/payouts/{payout_id}", response={200: PayoutOut, **ERRORS})
def get_payout(request: HttpRequest, payout_id: str) -> dict[str, Any]:
    organization = services.require_payout_role(actor_of(request))
    return render_payout(services.payout_get_for(organization, payout_id))
