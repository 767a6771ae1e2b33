from __future__ import annotations

from typing import Any

from tradeshield.kit.schemas import money
from tradeshield.payments.models import REDIRECT_METHODS, Method, Payment, PaymentEvent
from tradeshield.payments.services import bank_instructions


def render_payment(payment: Payment) -> dict[str, Any]:
    cur = payment.currency
    card = None
    if payment.method == Method.CARD:
        card = {
            "brand": payment.card_brand,
            "last4": payment.card_last4,
            "exp_month": payment.card_exp_month,
            "exp_year": payment.card_exp_year,
            "country": payment.card_country,
        }
    return {
        "id": payment.id,
        "order_id": payment.order_id,
        "milestone_id": payment.milestone_id,
        "method": payment.method,
        "status": payment.status,
        "amount": money(payment.amount, cur),
        "fee": money(payment.fee_amount, cur),
        "total_charged": money(payment.total_charged, cur),
        "received": money(payment.received_amount, cur),
        "released": money(payment.released_amount, cur),
        "refunded": money(payment.refunded_amount, cur),
        "credit_applied": money(payment.credit_applied, cur),
        "credit_returned": money(payment.credit_returned, cur),
        "card": card,
        "wallet": payment.wallet or None,
        "bank_instructions": bank_instructions(payment) if payment.method == Method.BANK_TRANSFER else None,
        "redirect_url": payment.provider_reference
        if payment.method in REDIRECT_METHODS and payment.status == "requires_action"
        else None,
        "failure_code": payment.failure_code or None,
        "fx": render_fx(payment),
        "created_at": payment.created_at,
        "updated_at": payment.updated_at,
    }


def render_step(payment: Payment, event: PaymentEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "amount": money(event.amount, payment.currency) if event.amount is not None else None,
        "expected_by": event.expected_by,
        "detail": event.detail,
        "created_at": event.created_at,
    }


def render_fx(payment: Payment) -> dict[str, Any] | None:
    if not payment.is_fx:
        return None
    return {
        "rate": {
            "base": payment.currency,
            "quote": payment.pay_currency,
            "rate": str(payment.fx_rate.normalize()) if payment.fx_rate is not None else "",
            "source": payment.fx_source,
            "as_of": payment.fx_as_of,
        },
        "charged": money(payment.pay_amount, payment.pay_currency),
        "refunded": money(payment.pay_refunded, payment.pay_currency),
    }
