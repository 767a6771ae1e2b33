"""Money through an order: paying milestones into escrow, releasing on receipt, cancelling, refunding."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tradeshield.escrow import services as escrow
from tradeshield.kit import clock
from tradeshield.kit.errors import Invalid
from tradeshield.kit.money import CurrencyMismatch, check_amount, check_currency
from tradeshield.orders import freezes, states
from tradeshield.orders.errors import OrderInvalid, OrderStateError
from tradeshield.orders.models import Milestone, MilestoneStatus, Order
from tradeshield.orders.services import _party, lock_order, record_event, require_party, transition
from tradeshield.orders.states import OrderStatus
from tradeshield.organizations.actors import Actor
from tradeshield.payments import services as payments
from tradeshield.payments.errors import PaymentNotFound
from tradeshield.payments.exchange import LockedRate, rate_lock
from tradeshield.payments.models import FUNDED_STATUSES, OPEN_STATUSES, Method, Payment, PaymentStatus, SavedMethod
from tradeshield.payments.offers import WALLETS
from tradeshield.risk import services as risk


def _next_milestone(order: Order, milestone_id: str | None) -> tuple[Milestone, list[Milestone]]:
    """The milestone to pay, and every milestone of the order, all locked (`_after_funded` reads them)."""
    milestones = list(order.milestones.select_for_update().order_by("position"))
    unpaid = [m for m in milestones if m.status == MilestoneStatus.UNPAID]
    if not unpaid:
        raise OrderStateError(_("Every milestone of this order is paid or being paid."), code="order_not_payable")
    if milestone_id is None:
        return unpaid[0], milestones
    if milestone_id != unpaid[0].id:
        if not any(m.id == milestone_id for m in milestones):
            raise OrderInvalid(_("No such milestone on this order."), field="milestone_id", code="milestone_not_found")
        raise OrderStateError(_("Pay the milestones in order; this one is not next."), code="milestone_not_payable")
    return unpaid[0], milestones


def _after_funded(
    order: Order, milestone: Milestone, payment: Payment, actor: Actor | None, milestones: list[Milestone] | None = None
) -> None:
    """`milestones`: every milestone of the order, locked and read in this transaction (`milestone` among them)."""
    milestone.status, milestone.paid_at = MilestoneStatus.HELD, clock.now()
    milestone.save(update_fields=["status", "paid_at"])
    if order.ship_deadline is None and order.lead_time_days is not None:
        order.ship_deadline = clock.today() + timedelta(days=order.lead_time_days)
        order.save(update_fields=["ship_deadline"])
    if milestones is None:
        all_paid = not order.milestones.exclude(status=MilestoneStatus.HELD).exists()
    else:
        all_paid = all(m.status == MilestoneStatus.HELD for m in milestones)
    target = OrderStatus.PAID if all_paid else OrderStatus.DEPOSIT_PAID
    transition(
        order,
        target,
        actor=actor,
        error_code="order_not_payable",
        kind="order.paid" if all_paid else "order.deposit_paid",
        payment_id=payment.id,
        milestone_id=milestone.id,
        amount=payment.amount,
    )


def _screen_payment(
    actor: Actor, order: Order, milestone: Milestone, method: str, card: dict[str, Any] | None, saved: str | None
) -> None:
    """Risk screening before any money moves (raises a 409/403 refusal; see risk.services)."""
    fingerprint, country = "", ""
    if method == Method.CARD and saved:
        found = SavedMethod.objects.filter(pk=saved, buyer_id=order.buyer_id).values_list("country", flat=True).first()
        fingerprint, country = risk.token_fingerprint(f"saved:{saved}"), found or ""
    elif method == Method.CARD and isinstance(card, dict):
        fingerprint, country = risk.card_fingerprint(str(card.get("number") or "")), str(card.get("country") or "")
    risk.screen(
        kind="payment",
        actor=actor,
        organization_id=order.buyer_id,
        reference=f"{order.id}:{milestone.id}",
        currency=order.currency,
        amount=milestone.amount,
        card_fingerprint=fingerprint,
        card_country=country[:2],
    )


@risk.screened
@transaction.atomic
def order_pay(
    *,
    actor: Actor,
    order_id: str,
    method: str,
    milestone_id: str | None = None,
    expected_amount: dict[str, Any] | None = None,
    card: dict[str, Any] | None = None,
    bank_account: dict[str, Any] | None = None,
    wallet: str | None = None,
    use_credit: bool = False,
    idempotency_key: str = "",
    saved_method_id: str | None = None,
    pay_currency: str | None = None,
) -> Payment:
    """Pay the next milestone. With `use_credit` (or method "credit"), the buyer's credit pays first.

    A wallet may be named as the method itself ("paypal", …). With `pay_currency` other than the order's,
    the method is charged in that currency at the rate locked now (payments.exchange)."""
    if method in WALLETS:
        method, wallet = Method.WALLET, method
    if saved_method_id and method != Method.CARD:
        raise OrderInvalid(_('A saved method pays by card: send method "card".'), field="method")
    order = lock_order(actor, order_id)
    require_party(actor, order, "buyer", "order.pay")
    if order.status not in states.PAYABLE:
        raise OrderStateError(
            _("An order that is %(status)s cannot be paid.") % {"status": order.status}, code="order_not_payable"
        )
    milestone, milestones = _next_milestone(order, milestone_id)
    if expected_amount is not None:
        if expected_amount.get("currency") != order.currency:
            raise CurrencyMismatch(
                _("This order is paid in %(currency)s.") % {"currency": order.currency}, field="amount.currency"
            )
        if expected_amount.get("amount") != milestone.amount:
            raise Invalid(
                _("This milestone is %(amount)s minor units.") % {"amount": milestone.amount},
                field="amount.amount",
                code="amount_mismatch",
            )
    _screen_payment(actor, order, milestone, method, card, saved_method_id)
    target = payments.PaymentTarget(
        order_id=order.id,
        milestone_id=milestone.id,
        # The acting organization is the buyer (require_party): its row was read with the actor.
        buyer=actor.organization or order.buyer,
        supplier_id=order.supplier_id,
        currency=order.currency,
        amount=milestone.amount,
        credit=_credit_to_use(order, milestone.amount, method, use_credit),
        fx=_rate_for(order, pay_currency),
    )
    if target.credit == target.amount:
        payment = payments.credit_payment_start(target=target)
    elif method == Method.CARD and saved_method_id:
        payment = payments.saved_card_payment_start(target=target, method_id=saved_method_id)
    elif method == Method.CARD:
        if card is None:
            raise OrderInvalid(_("Card details are required."), field="card")
        payment = payments.card_payment_start(target=target, card=card, idempotency_key=idempotency_key)
    elif method == Method.ECHECK:
        if bank_account is None:
            raise OrderInvalid(_("Bank account details are required."), field="bank_account")
        payment = payments.echeck_payment_start(
            target=target, bank_account=bank_account, idempotency_key=idempotency_key
        )
    elif method == Method.WALLET:
        payment = payments.wallet_payment_start(target=target, wallet=wallet or "")
    elif method in (Method.SEPA, Method.BOLETO):
        payment = payments.redirect_payment_start(target=target, method=method)
    elif method == Method.BANK_TRANSFER:
        payment = payments.bank_transfer_payment_start(target=target)
    else:
        raise OrderInvalid(_("Unknown payment method."), field="method", code="payment_method_unavailable")
    record_event(order, "payment.initiated", actor, payment_id=payment.id, method=method, status=payment.status)
    if payment.status == PaymentStatus.HELD:
        _after_funded(order, milestone, payment, actor, milestones)
    elif payment.status != PaymentStatus.FAILED:
        milestone.status = MilestoneStatus.PAYING
        milestone.save(update_fields=["status"])
    return payment


def _rate_for(order: Order, pay_currency: str | None) -> LockedRate | None:
    if not pay_currency or pay_currency.upper() == order.currency:
        return None
    return rate_lock(order.currency, check_currency(pay_currency.upper()))


def _credit_to_use(order: Order, amount: int, method: str, use_credit: bool) -> int:
    if method != Method.CREDIT and not use_credit:
        return 0
    available = escrow.credit_available(order.buyer_id, order.currency)
    if method == Method.CREDIT and available < amount:
        raise Invalid(
            _("Your credit in %(currency)s covers %(available)s of %(amount)s; pay the rest with another method.")
            % {"currency": order.currency, "available": available, "amount": amount},
            field="method",
            code="insufficient_credit",
        )
    return min(available, amount)


def _lock_payment_order(payment_id: str) -> tuple[Order, Payment]:
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        raise PaymentNotFound(_("No such payment."))
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    return order, Payment.objects.select_for_update().get(pk=payment_id)


@transaction.atomic
def wallet_return(*, actor: Actor | None, payment_id: str, approval_token: str) -> Payment:
    """The buyer came back from the wallet's approval page."""
    order, payment = _lock_payment_order(payment_id)
    if actor is not None and actor.org_id != order.buyer_id:
        raise PaymentNotFound(_("No such payment."))
    payments.wallet_payment_confirm(payment=payment, approval_token=approval_token)
    _funded_late(order, payment, actor)
    return payment


def _funded_late(order: Order, payment: Payment, actor: Actor | None) -> None:
    """Funds for a payment arrived after the request that started it; the order may have moved on."""
    milestone = order.milestones.select_for_update().get(pk=payment.milestone_id)
    if order.status in states.PAYABLE and milestone.status == MilestoneStatus.PAYING:
        _after_funded(order, milestone, payment, actor)
        return
    payments.payment_refund(payment=payment, amount=None, reason="order no longer payable", include_fee=True)
    record_event(order, "payment.refunded_late_funds", actor, payment_id=payment.id)


@transaction.atomic
def bank_receipt_apply(
    *,
    bank_transaction_id: str,
    reference: str,
    amount: int,
    currency: str,
    value_date: date,
    source: str,
    payer_name: str = "",
) -> payments.ReceiptOutcome:
    outcome = payments.bank_receipt_record(
        bank_transaction_id=bank_transaction_id,
        reference=reference,
        amount=amount,
        currency=currency,
        value_date=value_date,
        source=source,
        payer_name=payer_name,
    )
    if outcome.payment is not None and not outcome.replay:
        order, payment = _lock_payment_order(outcome.payment.id)
        record_event(
            order,
            "payment.funds_received",
            None,
            payment_id=payment.id,
            amount=outcome.receipt.applied_amount,
            excess=outcome.receipt.excess_amount,
            bank_transaction_id=bank_transaction_id,
        )
        if outcome.became_funded:
            _funded_late(order, payment, None)
    return outcome


@transaction.atomic
def order_confirm_receipt(*, actor: Actor, order_id: str) -> Order:
    """The buyer has the goods: complete the order and release every held payment to the supplier."""
    order = lock_order(actor, order_id)
    require_party(actor, order, "buyer", "order.receive")
    return complete_and_release(order, actor)


def complete_and_release(order: Order, actor: Actor | None, **event_data: Any) -> Order:
    """Complete a locked order and release its escrow; `actor` None is the platform acting on a rule."""
    if order.status not in states.RECEIVABLE:
        raise OrderStateError(
            _("An order that is %(status)s cannot be received.") % {"status": order.status},
            code="order_not_receivable",
        )
    freezes.require_not_frozen(order)
    transition(
        order,
        OrderStatus.COMPLETED,
        actor=actor,
        error_code="order_not_receivable",
        kind="order.completed",
        **event_data,
    )
    released = 0
    funded = list(Payment.objects.select_for_update().filter(order_id=order.id, status__in=FUNDED_STATUSES))
    holds = escrow.active_holds([payment.id for payment in funded])
    for payment in funded:
        payments.payment_release(payment=payment, hold=holds.get(payment.id))
        released += payment.released_amount
    order.milestones.filter(status=MilestoneStatus.HELD).update(status=MilestoneStatus.RELEASED)
    record_event(order, "escrow.released", actor, amount=released)
    return order


def is_late(order: Order) -> bool:
    """The platform has found the supplier late (and compensated the buyer) on this order."""
    return order.events.filter(kind="protection.compensated").exists()


@transaction.atomic
def order_cancel(*, actor: Actor, order_id: str, reason: str) -> Order:
    """Cancel before shipment. Anything paid goes back to the buyer's original method in full.

    Once paid, the buyer may cancel only when the supplier is late; otherwise the supplier cancels.
    """
    order = lock_order(actor, order_id)
    side = _party(actor, order)
    actor.require("order.cancel")
    funded = Payment.objects.filter(order_id=order.id, status__in=FUNDED_STATUSES).exists()
    if funded and side == "buyer" and not is_late(order):
        raise OrderStateError(
            _("A paid order is cancelled by the supplier, or through a dispute."), code="order_not_cancellable"
        )
    return cancel_and_refund(order, actor, reason)


def cancel_and_refund(order: Order, actor: Actor | None, reason: str, **event_data: Any) -> Order:
    """Cancel a locked order before shipment, refunding everything paid (fees included)."""
    if order.status not in states.CANCELLABLE:
        raise OrderStateError(
            _("An order that is %(status)s cannot be cancelled.") % {"status": order.status},
            code="order_not_cancellable",
        )
    funded = list(Payment.objects.select_for_update().filter(order_id=order.id, status__in=FUNDED_STATUSES))
    for payment in Payment.objects.select_for_update().filter(order_id=order.id, status__in=OPEN_STATUSES):
        payments.payment_cancel_open(payment=payment, reason=reason or "order cancelled")
    refunded = sum(
        payments.payment_refund(payment=p, amount=None, reason=reason or "order cancelled", include_fee=True)
        for p in funded
    )
    order.milestones.exclude(status=MilestoneStatus.UNPAID).update(status=MilestoneStatus.REFUNDED)
    target = OrderStatus.REFUNDED if funded else OrderStatus.CANCELLED
    return transition(
        order,
        target,
        actor=actor,
        error_code="order_not_cancellable",
        kind=f"order.{target}",
        reason=reason,
        refunded=refunded,
        **event_data,
    )


@transaction.atomic
def order_refund_partial(*, actor: Actor, order_id: str, amount: int, reason: str) -> Order:
    """The supplier gives back part of what is held in escrow (latest milestone first)."""
    order = lock_order(actor, order_id)
    require_party(actor, order, "supplier", "order.refund")
    check_amount(amount)
    if order.status not in states.REFUNDABLE:
        raise OrderStateError(
            _("An order that is %(status)s has nothing in escrow to refund.") % {"status": order.status},
            code="order_not_refundable",
        )
    funded = list(
        Payment.objects.select_for_update()
        .filter(order_id=order.id, status__in=FUNDED_STATUSES)
        .order_by("-created_at")
    )
    held = {p.id: payments.held_amount(p) for p in funded}
    if amount > sum(held.values()):
        raise Invalid(
            _("At most %(held)s is held in escrow.") % {"held": sum(held.values())},
            field="amount",
            code="refund_exceeds_held",
        )
    left = amount
    for payment in funded:
        part = min(left, held[payment.id])
        if part:
            payments.payment_refund(payment=payment, amount=part, reason=reason)
            left -= part
    record_event(order, "order.partially_refunded", actor, amount=amount, reason=reason)
    if not any(payments.held_amount(p) for p in funded):
        order.milestones.exclude(status=MilestoneStatus.UNPAID).update(status=MilestoneStatus.REFUNDED)
        transition(
            order,
            OrderStatus.REFUNDED,
            actor=actor,
            error_code="order_not_refundable",
            kind="order.refunded",
            reason=reason,
        )
    return order


@transaction.atomic
def payment_abandon(*, actor: Actor, payment_id: str, reason: str = "") -> Payment:
    """The buyer gives up a payment still waiting (wallet approval or bank transfer) to pay another way.

    Money that already arrived for it is refunded; the milestone becomes payable again.
    """
    order, payment = _lock_payment_order(payment_id)
    if actor.org_id not in (order.buyer_id, order.supplier_id):
        raise PaymentNotFound(_("No such payment."))
    require_party(actor, order, "buyer", "order.pay")
    if payment.status not in OPEN_STATUSES:
        raise OrderStateError(
            _("A payment that is %(status)s cannot be abandoned.") % {"status": payment.status},
            code="payment_not_abandonable",
        )
    payments.payment_cancel_open(payment=payment, reason=reason or "abandoned by the buyer")
    order.milestones.filter(pk=payment.milestone_id, status=MilestoneStatus.PAYING).update(
        status=MilestoneStatus.UNPAID
    )
    record_event(order, "payment.abandoned", actor, payment_id=payment.id, refunded=payment.refunded_amount)
    return payment
