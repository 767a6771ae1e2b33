"""Payment endpoints: reads, the payment progress timeline, wallet returns and bank notifications."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from pydantic import ValidationError

from tradeshield.kit import clock
from tradeshield.kit.errors import Forbidden, Invalid
from tradeshield.kit.schemas import ERROR_RESPONSES, money
from tradeshield.orders import paying
from tradeshield.orders.bank import statement_import
from tradeshield.organizations.auth import API_AUTH, actor_of
from tradeshield.payments import bank_webhook
from tradeshield.payments import services as payment_services
from tradeshield.payments.models import SavedMethod
from tradeshield.payments.render import render_payment, render_step
from tradeshield.payments.schemas import (
    BankReceiptIn,
    BankReceiptOut,
    PaymentOut,
    SavedMethodIn,
    SavedMethodOut,
    StatementImportOut,
    TimelineOut,
    WalletReturnIn,
)
from tradeshield.payments.selectors import payment_get, payment_timeline, saved_methods_for
from tradeshield.payments.timeline import expected_times, payout_steps

router = Router(tags=["payments"])
ERRORS = ERROR_RESPONSES


@router.get("/payments/{payment_id}", response={200: PaymentOut, **ERRORS}, auth=API_AUTH)
def get_payment(request: HttpRequest, payment_id: str) -> dict[str, Any]:
    return render_payment(payment_get(actor_of(request), payment_id))


@router.get(
    "/payments/{payment_id}/timeline",
    response={200: TimelineOut, **ERRORS},
    auth=API_AUTH,
    summary="Payment progress: initiated → authorized → captured → held → released / refunded",
)
def get_timeline(request: HttpRequest, payment_id: str) -> dict[str, Any]:
    payment = payment_get(actor_of(request), payment_id)
    return {
        "payment_id": payment.id,
        "status": payment.status,
        "method": payment.method,
        "expected_times": expected_times(payment.method_key),
        "steps": [render_step(payment, e) for e in payment_timeline(payment)] + payout_steps(payment),
    }


def _buyer(request: HttpRequest) -> Any:
    actor = actor_of(request)
    if not actor.is_buyer_org:
        raise Forbidden(_("Only buyers save payment methods."), code="forbidden_role")
    actor.require("order.pay")
    return actor


def _saved(method: SavedMethod) -> dict[str, Any]:
    today = clock.today()
    return {
        "id": method.id,
        "brand": method.brand,
        "last4": method.last4,
        "exp_month": method.exp_month,
        "exp_year": method.exp_year,
        "expired": (method.exp_year, method.exp_month) < (today.year, today.month),
        "created_at": method.created_at,
    }


@router.get("/payment-methods", response={200: list[SavedMethodOut], **ERRORS}, auth=API_AUTH)
def list_saved_methods(request: HttpRequest) -> list[dict[str, Any]]:
    actor = _buyer(request)
    return [_saved(m) for m in saved_methods_for(actor.organization)]


@router.post(
    "/payment-methods",
    response={201: SavedMethodOut, **ERRORS},
    auth=API_AUTH,
    summary="Save a card for one-click payment (only the provider's token is kept, encrypted)",
)
def add_saved_method(request: HttpRequest, payload: SavedMethodIn) -> Status[dict[str, Any]]:
    actor = _buyer(request)
    method = payment_services.saved_method_add(
        buyer=actor.organization, card=payload.card.model_dump(), created_by_id=actor.user.id if actor.user else ""
    )
    return Status(201, _saved(method))


@router.delete("/payment-methods/{method_id}", response={200: SavedMethodOut, **ERRORS}, auth=API_AUTH)
def remove_saved_method(request: HttpRequest, method_id: str) -> dict[str, Any]:
    actor = _buyer(request)
    return _saved(payment_services.saved_method_revoke(buyer=actor.organization, method_id=method_id))


@router.post(
    "/payments/{payment_id}/wallet-return",
    response={200: PaymentOut, **ERRORS},
    auth=API_AUTH,
    summary="Complete a wallet payment with the approval token the wallet returned",
)
def wallet_return(request: HttpRequest, payment_id: str, payload: WalletReturnIn) -> dict[str, Any]:
    actor = actor_of(request)
    payment_get(actor, payment_id)
    return render_payment(
        paying.wallet_return(actor=actor, payment_id=payment_id, approval_token=payload.approval_token)
    )


@router.post(
    "/payments/{payment_id}/cancel",
    response={200: PaymentOut, **ERRORS},
    auth=API_AUTH,
    summary="Abandon a payment still waiting for wallet approval or a bank transfer (Idempotency-Key required)",
)
def cancel_payment(request: HttpRequest, payment_id: str) -> dict[str, Any]:
    return render_payment(paying.payment_abandon(actor=actor_of(request), payment_id=payment_id))


def _receipt_out(outcome: Any) -> dict[str, Any]:
    receipt = outcome.receipt
    return {
        "bank_transaction_id": receipt.bank_transaction_id,
        "status": receipt.status,
        "payment_id": receipt.payment_id,
        "applied": money(receipt.applied_amount, receipt.currency),
        "excess": money(receipt.excess_amount, receipt.currency),
        "replayed": outcome.replay,
    }


@router.post(
    "/bank/notifications",
    response={200: BankReceiptOut, **ERRORS},
    auth=None,
    summary="Signed notification from the collecting bank (Standard Webhooks signature)",
)
def bank_notification(request: HttpRequest) -> dict[str, Any]:
    bank_webhook.verify(
        msg_id=request.headers.get("webhook-id", ""),
        timestamp=request.headers.get("webhook-timestamp", ""),
        signature_header=request.headers.get("webhook-signature", ""),
        body=request.body,
    )
    try:
        payload = BankReceiptIn.model_validate(json.loads(request.body))
    except (ValueError, ValidationError) as exc:
        raise Invalid(_("The notification body is not a valid bank receipt."), code="bank_receipt_invalid") from exc
    outcome = paying.bank_receipt_apply(
        bank_transaction_id=payload.bank_transaction_id,
        reference=payload.reference,
        amount=payload.amount.amount,
        currency=payload.amount.currency,
        value_date=payload.value_date,
        source="webhook",
        payer_name=payload.payer_name,
    )
    return _receipt_out(outcome)


@router.post(
    "/bank/statements",
    response={200: StatementImportOut, **ERRORS},
    auth=API_AUTH,
    summary="Import a CSV bank statement (platform staff)",
)
def import_statement(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    if actor.staff_role not in ("admin", "support_agent"):
        raise Forbidden(_("Only platform finance staff import bank statements."), code="forbidden_role")
    try:
        text = request.body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(_("The statement must be UTF-8 CSV."), code="statement_invalid") from None
    return statement_import(text)
