"""Order endpoints: thin wrappers around orders.services / paying / amendments."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from tradeshield.kit.errors import Invalid
from tradeshield.kit.http import clamp_limit, page
from tradeshield.kit.schemas import ERROR_RESPONSES
from tradeshield.orders import amendments, paying, services
from tradeshield.orders.models import OrderEvent
from tradeshield.orders.render import render_amendment, render_event, render_order
from tradeshield.orders.schemas import (
    AmendmentIn,
    AmendmentOut,
    CancelIn,
    ConfirmIn,
    OrderEventOut,
    OrderIn,
    OrderOut,
    OrderPage,
    RefundIn,
)
from tradeshield.orders.selectors import order_get, order_list
from tradeshield.organizations.auth import API_AUTH, actor_of
from tradeshield.payments.render import render_payment
from tradeshield.payments.schemas import FeeQuoteOut, PaymentIn, PaymentMethodsOut, PaymentOut
from tradeshield.payments.selectors import payments_for_order

router = Router(tags=["orders"], auth=API_AUTH)
ERRORS = ERROR_RESPONSES


def terms_from(payload: OrderIn) -> services.OrderTerms:
    lines = []
    for index, line in enumerate(payload.lines):
        if line.unit_price.currency != payload.currency:
            raise Invalid(
                _("Prices must be in the order currency %(currency)s.") % {"currency": payload.currency},
                field=f"lines[{index}].unit_price.currency",
                code="currency_mismatch",
            )
        lines.append(
            services.LineInput(
                product_name=line.product_name,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.unit_price.amount,
                specifications=line.specifications,
                attributes=tuple(a.model_dump() for a in line.attributes),
            )
        )
    return services.OrderTerms(
        title=payload.title,
        currency=payload.currency.upper(),
        incoterm=payload.incoterm.upper(),
        named_place=payload.named_place,
        lines=lines,
        ship_by_date=payload.ship_by_date,
        lead_time_days=payload.lead_time_days,
        deposit_percent=payload.payment_plan.deposit_percent,
        inspection_required=payload.inspection_required,
        notes=payload.notes,
    )


@router.post("/orders", response={201: OrderOut, **ERRORS}, summary="Issue (supplier) or request (buyer) an order")
def create_order(request: HttpRequest, payload: OrderIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    counterparty = payload.buyer_id if actor.is_supplier_org else payload.supplier_id
    if not counterparty:
        field = "buyer_id" if actor.is_supplier_org else "supplier_id"
        raise Invalid(_("Name the other side of the order."), field=field, code="counterparty_required")
    order = services.order_create(actor=actor, counterparty_id=counterparty, terms=terms_from(payload))
    return Status(201, render_order(order))


@router.get("/orders", response={200: OrderPage, **ERRORS})
def list_orders(
    request: HttpRequest, status: str | None = None, cursor: str | None = None, limit: int | None = None
) -> dict[str, Any]:
    size = clamp_limit(limit)
    orders = order_list(actor_of(request), status=status, cursor=cursor, limit=size + 1)
    return page(orders, size, lambda o: o.id, render_order)


@router.get("/orders/{order_id}", response={200: OrderOut, **ERRORS})
def get_order(request: HttpRequest, order_id: str) -> dict[str, Any]:
    return render_order(order_get(actor_of(request), order_id))


@router.put("/orders/{order_id}", response={200: OrderOut, **ERRORS}, summary="Edit a draft (clears confirmations)")
def update_order(request: HttpRequest, order_id: str, payload: OrderIn) -> dict[str, Any]:
    actor = actor_of(request)
    return render_order(services.order_update_draft(actor=actor, order_id=order_id, terms=terms_from(payload)))


@router.get("/orders/{order_id}/events", response={200: list[OrderEventOut], **ERRORS})
def order_events(request: HttpRequest, order_id: str) -> list[dict[str, Any]]:
    order = order_get(actor_of(request), order_id)
    return [render_event(e) for e in OrderEvent.objects.filter(order=order)]


def _reload(request: HttpRequest, order_id: str) -> dict[str, Any]:
    return render_order(order_get(actor_of(request), order_id))


@router.post("/orders/{order_id}/confirm", response={200: OrderOut, **ERRORS}, summary="Confirm the terms")
def confirm_order(request: HttpRequest, order_id: str, payload: ConfirmIn | None = None) -> dict[str, Any]:
    services.order_confirm(
        actor=actor_of(request), order_id=order_id, expected_terms_hash=payload.terms_hash if payload else None
    )
    return _reload(request, order_id)


@router.get(
    "/orders/{order_id}/payment-quote",
    response={200: FeeQuoteOut, **ERRORS},
    summary="The processing fee for paying the next milestone with a method",
)
def payment_quote(
    request: HttpRequest, order_id: str, method: str, network: str = "", country: str = ""
) -> dict[str, Any]:
    from tradeshield.orders.quotes import quote_next_milestone

    return quote_next_milestone(order_get(actor_of(request), order_id), method=method, network=network, country=country)


@router.get(
    "/orders/{order_id}/payment-methods",
    response={200: PaymentMethodsOut, **ERRORS},
    summary="The payment methods offered for the next milestone (by the buyer's country and the currency "
    "paid in), with fee, settlement and refund times; with ?currency= the exchange rate that would be locked",
)
def payment_methods(request: HttpRequest, order_id: str, currency: str = "") -> dict[str, Any]:
    from tradeshield.orders.quotes import methods_for_order

    return methods_for_order(order_get(actor_of(request), order_id), pay_currency=currency or None)


@router.post(
    "/orders/{order_id}/payments",
    response={201: PaymentOut, 402: PaymentOut, **ERRORS},
    summary="Pay a milestone into escrow (Idempotency-Key required)",
)
def create_payment(request: HttpRequest, order_id: str, payload: PaymentIn) -> Status[dict[str, Any]]:
    payment = paying.order_pay(
        actor=actor_of(request),
        order_id=order_id,
        method=payload.method,
        milestone_id=payload.milestone_id,
        expected_amount=payload.amount.model_dump() if payload.amount else None,
        card=payload.card.model_dump() if payload.card else None,
        bank_account=payload.bank_account.model_dump() if payload.bank_account else None,
        wallet=payload.wallet,
        use_credit=payload.use_credit,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        saved_method_id=payload.saved_method_id,
        pay_currency=payload.pay_currency,
    )
    return Status((402 if payment.status == "failed" else 201), render_payment(payment))


@router.get("/orders/{order_id}/payments", response={200: list[PaymentOut], **ERRORS})
def list_order_payments(request: HttpRequest, order_id: str) -> list[dict[str, Any]]:
    order = order_get(actor_of(request), order_id)
    return [render_payment(p) for p in payments_for_order(order.id)]


@router.post("/orders/{order_id}/mark-delivered", response={200: OrderOut, **ERRORS})
def mark_delivered(request: HttpRequest, order_id: str) -> dict[str, Any]:
    services.order_mark_delivered(actor=actor_of(request), order_id=order_id)
    return _reload(request, order_id)


@router.post(
    "/orders/{order_id}/confirm-receipt",
    response={200: OrderOut, **ERRORS},
    summary="Buyer confirms receipt: escrow releases to the supplier (Idempotency-Key required)",
)
def confirm_receipt(request: HttpRequest, order_id: str) -> dict[str, Any]:
    paying.order_confirm_receipt(actor=actor_of(request), order_id=order_id)
    return _reload(request, order_id)


@router.post(
    "/orders/{order_id}/cancel",
    response={200: OrderOut, **ERRORS},
    summary="Cancel before shipment; payments are refunded in full (Idempotency-Key required)",
)
def cancel_order(request: HttpRequest, order_id: str, payload: CancelIn | None = None) -> dict[str, Any]:
    paying.order_cancel(actor=actor_of(request), order_id=order_id, reason=payload.reason if payload else "")
    return _reload(request, order_id)


@router.post(
    "/orders/{order_id}/refunds",
    response={200: OrderOut, **ERRORS},
    summary="Supplier refunds part of the escrowed amount (Idempotency-Key required)",
)
def refund_order(request: HttpRequest, order_id: str, payload: RefundIn) -> dict[str, Any]:
    order = order_get(actor_of(request), order_id)
    if payload.amount.currency != order.currency:
        raise Invalid(
            _("This order is in %(currency)s.") % {"currency": order.currency},
            field="amount.currency",
            code="currency_mismatch",
        )
    paying.order_refund_partial(
        actor=actor_of(request), order_id=order_id, amount=payload.amount.amount, reason=payload.reason
    )
    return _reload(request, order_id)


@router.post("/orders/{order_id}/amendments", response={201: AmendmentOut, **ERRORS})
def propose_amendment(request: HttpRequest, order_id: str, payload: AmendmentIn) -> Status[dict[str, Any]]:
    amendment = amendments.amendment_propose(
        actor=actor_of(request), order_id=order_id, changes=payload.changes, reason=payload.reason
    )
    return Status(201, render_amendment(amendment))


@router.get("/orders/{order_id}/amendments", response={200: list[AmendmentOut], **ERRORS})
def list_amendments(request: HttpRequest, order_id: str) -> list[dict[str, Any]]:
    order = order_get(actor_of(request), order_id)
    return [render_amendment(a) for a in order.amendments.order_by("created_at")]


@router.post("/amendments/{amendment_id}/accept", response={200: AmendmentOut, **ERRORS})
def accept_amendment(request: HttpRequest, amendment_id: str) -> dict[str, Any]:
    return render_amendment(
        amendments.amendment_decide(actor=actor_of(request), amendment_id=amendment_id, accept=True)
    )


@router.post("/amendments/{amendment_id}/reject", response={200: AmendmentOut, **ERRORS})
def reject_amendment(request: HttpRequest, amendment_id: str) -> dict[str, Any]:
    return render_amendment(
        amendments.amendment_decide(actor=actor_of(request), amendment_id=amendment_id, accept=False)
    )


@router.post("/amendments/{amendment_id}/withdraw", response={200: AmendmentOut, **ERRORS})
def withdraw_amendment(request: HttpRequest, amendment_id: str) -> dict[str, Any]:
    return render_amendment(amendments.amendment_withdraw(actor=actor_of(request), amendment_id=amendment_id))
