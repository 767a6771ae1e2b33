"""Writes for payments. The caller (orders) owns the transaction and has locked the milestone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError
from django.utils.translation import gettext as _

from tradeshield.escrow import services as escrow
from tradeshield.kit import clock
from tradeshield.kit.money import check_amount
from tradeshield.ledger.models import Transfer
from tradeshield.organizations.models import Organization
from tradeshield.payments import providers
from tradeshield.payments.cards import CardExpired, CardInvalid, aba_routing_valid, card_check_input
from tradeshield.payments.errors import (
    BankReceiptInvalid,
    FxRateUnavailable,
    PaymentMethodUnavailable,
    PaymentNotConfirmable,
    RefundExceedsHeld,
    SavedMethodNotFound,
)
from tradeshield.payments.exchange import LockedRate, convert_up
from tradeshield.payments.models import (
    REDIRECT_METHODS,
    BankReceipt,
    Method,
    Payment,
    PaymentEvent,
    PaymentStatus,
    SavedMethod,
)
from tradeshield.payments.offers import limit_check, offer_fee, offer_require
from tradeshield.payments.timeline import funds_expected_by, refund_expected_by
from tradeshield.payouts import services as payouts
from tradeshield.payouts.services import reserve_days


@dataclass(frozen=True)
class PaymentTarget:
    """What is being paid: one milestone of one order."""

    order_id: str
    milestone_id: str
    buyer: Organization
    supplier_id: str
    currency: str
    amount: int
    credit: int = 0  # buyer credit applied first; the method pays the rest
    fx: LockedRate | None = None  # paying in another currency: the rate locked for this payment

    @property
    def cash_amount(self) -> int:
        return self.amount - self.credit

    @property
    def pay_currency(self) -> str:
        return self.fx.quote if self.fx is not None else self.currency


def _priced(target: PaymentTarget, key: str, *, network: str = "", country: str = "") -> int:
    """Refuse a method not offered to this buyer in the currency it pays in, or above its limit;
    return its processing fee (order currency)."""
    offer = offer_require(key=key, country=target.buyer.country, currency=target.pay_currency)
    fee = offer_fee(offer, amount=target.cash_amount, currency=target.currency, network=network, country=country)
    limit_check(offer, total=target.cash_amount + fee, currency=target.currency)
    return fee


def _new_event(
    payment: Payment, kind: str, amount: int | None = None, expected_by: date | None = None, **detail: Any
) -> PaymentEvent:
    """An event not saved yet (its time is now): saved later with the ones after it in one statement."""
    return PaymentEvent(payment=payment, kind=kind, amount=amount, detail=detail, expected_by=expected_by)


def _event(
    payment: Payment, kind: str, amount: int | None = None, expected_by: date | None = None, **detail: Any
) -> None:
    _new_event(payment, kind, amount, expected_by, **detail).save(force_insert=True)


def _save(payment: Payment, *fields: str) -> None:
    payment.updated_at = clock.now()
    payment.save(update_fields=[*fields, "updated_at"])


def _new_payment(
    target: PaymentTarget, method: str, provider: str, status: str, fee: int, **extra: Any
) -> tuple[Payment, list[PaymentEvent]]:
    """The payment, with its first events (`initiated`, `credit_applied`) for the caller to save with its own."""
    # No savepoint: the caller has locked the milestone, so this constraint is only a last guard, and its
    # error ends the caller's transaction anyway (nothing catches it inside).
    try:
        payment = Payment.objects.create(
            order_id=target.order_id,
            milestone_id=target.milestone_id,
            buyer=target.buyer,
            supplier_id=target.supplier_id,
            method=method,
            provider=provider,
            status=status,
            currency=target.currency,
            amount=target.amount,
            fee_amount=fee,
            credit_applied=target.credit,
            **_fx_fields(target, fee),
            **extra,
        )
    except IntegrityError as exc:
        raise PaymentNotConfirmable(
            _("This milestone already has a payment in progress or completed."), code="milestone_already_paid"
        ) from exc
    events = [_new_event(payment, "initiated", payment.total_charged, method=method)]
    if payment.credit_applied:
        escrow.credit_spend(
            payment_id=payment.id,
            order_id=payment.order_id,
            buyer_id=payment.buyer_id,
            currency=payment.currency,
            amount=payment.credit_applied,
        )
        events.append(_new_event(payment, "credit_applied", payment.credit_applied))
    return payment, events


def _fx_fields(target: PaymentTarget, fee: int) -> dict[str, Any]:
    if target.fx is None or target.cash_amount + fee == 0:  # all from buyer credit: nothing to convert
        return {}
    return {
        "pay_currency": target.fx.quote,
        "pay_amount": target.fx.convert(target.cash_amount + fee),
        "fx_rate": target.fx.rate,
        "fx_source": target.fx.source,
        "fx_as_of": target.fx.as_of,
    }


def _return_credit(payment: Payment, reason: str) -> None:
    unused = payment.credit_applied - payment.credit_returned
    if unused > 0:
        escrow.credit_return(
            transfer_id=f"creditback:{payment.id}",
            payment_id=payment.id,
            order_id=payment.order_id,
            buyer_id=payment.buyer_id,
            currency=payment.currency,
            amount=unused,
        )
        payment.credit_returned += unused
        _save(payment, "credit_returned")
        _event(payment, "credit_returned", unused, reason=reason)


def credit_payment_start(*, target: PaymentTarget) -> Payment:
    """A milestone paid entirely from buyer credit."""
    payment, events = _new_payment(target, Method.CREDIT, "platform_credit", PaymentStatus.REQUIRES_ACTION, 0)
    _hold(payment, events=[*events, _new_event(payment, "captured", payment.amount)])
    return payment


def _hold(
    payment: Payment, *, charged: bool = False, events: Sequence[PaymentEvent] = (), changed: Sequence[str] = ()
) -> None:
    """Hold the payment for the supplier; `charged`: its method's money has just arrived in full (card, wallet)
    and goes into the order's escrow in the same ledger batch. The payment's other `changed` fields are
    saved with its new status, and its unsaved `events` with `held_in_escrow`."""
    fx = None
    if charged and payment.is_fx and payment.pay_amount > 0:
        fx = escrow.FxFunding(payment.pay_currency, payment.pay_amount, payment.cash_amount + payment.fee_amount)
    escrow.fund_and_hold(
        payment_id=payment.id,
        order_id=payment.order_id,
        supplier_id=payment.supplier_id,
        currency=payment.currency,
        amount=payment.amount,
        funded=payment.cash_amount if charged else 0,
        fee=payment.fee_amount if charged else 0,
        fx=fx,
    )
    payment.status = PaymentStatus.HELD
    payment.received_amount = max(payment.received_amount, payment.cash_amount + payment.fee_amount)
    _save(payment, "status", "received_amount", *changed)
    PaymentEvent.objects.bulk_create([*events, _new_event(payment, "held_in_escrow", payment.amount)])


def _failed(payment: Payment, code: str, message: str, events: Sequence[PaymentEvent]) -> Payment:
    PaymentEvent.objects.bulk_create(events)  # before any event `_return_credit` adds
    _return_credit(payment, "payment failed")
    payment.status = PaymentStatus.FAILED
    payment.failure_code = code
    _save(payment, "status", "failure_code")
    _event(payment, "failed", code=code, message=message)
    return payment


def card_payment_start(*, target: PaymentTarget, card: dict[str, Any], idempotency_key: str) -> Payment:
    checked = card_check_input(card)
    country = str(card.get("country") or target.buyer.country)
    fee = _priced(target, Method.CARD, network=checked.brand, country=country)
    payment, events = _new_payment(
        target,
        Method.CARD,
        providers.CARD_PROVIDER.name,
        PaymentStatus.REQUIRES_ACTION,
        fee,
        card_brand=checked.brand,
        card_last4=checked.last4,
        card_exp_month=checked.exp_month,
        card_exp_year=checked.exp_year,
        card_country=country.upper(),
    )
    result = providers.CARD_PROVIDER.charge(
        card=checked, amount=payment.charge_amount, currency=payment.charge_currency, idempotency_key=payment.id
    )
    if not result.approved:
        return _failed(payment, result.decline_code, result.decline_message, events)
    payment.provider_reference, payment.provider_token = result.reference, result.token
    authorized = _new_event(payment, "authorized", payment.total_charged, reference=result.reference)
    captured = _new_event(payment, "captured", payment.total_charged)
    _hold(
        payment, charged=True, events=[*events, authorized, captured], changed=["provider_reference", "provider_token"]
    )
    return payment


def saved_method_add(*, buyer: Organization, card: dict[str, Any], created_by_id: str = "") -> SavedMethod:
    """Tokenize a card with the provider and keep the token (encrypted) for one-click payments."""
    checked = card_check_input(card)
    token = providers.CARD_PROVIDER.tokenize(card=checked)
    return SavedMethod.objects.create(
        buyer=buyer,
        provider=providers.CARD_PROVIDER.name,
        token=token,
        brand=checked.brand,
        last4=checked.last4,
        exp_month=checked.exp_month,
        exp_year=checked.exp_year,
        country=str(card.get("country") or buyer.country).upper()[:2],
        created_by_id=created_by_id,
    )


def saved_method_revoke(*, buyer: Organization, method_id: str) -> SavedMethod:
    method = SavedMethod.objects.filter(pk=method_id, buyer=buyer).first()
    if method is None:
        raise SavedMethodNotFound(_("No such saved payment method."))
    if method.revoked_at is None:
        method.revoked_at = clock.now()
        method.save(update_fields=["revoked_at"])
    return method


def saved_method_usable(*, buyer: Organization, method_id: str) -> SavedMethod:
    """The buyer's own saved card, still valid: another organization's is missing (404), a removed one
    cannot be reused (409), an expired one is refused (422)."""
    method = SavedMethod.objects.filter(pk=method_id, buyer=buyer).first()
    if method is None:
        raise SavedMethodNotFound(_("No such saved payment method."), field="saved_method_id")
    if method.revoked_at is not None:
        raise PaymentNotConfirmable(
            _("This saved card was removed; it cannot be used again."),
            code="saved_method_revoked",
            field="saved_method_id",
        )
    today = clock.today()
    if (method.exp_year, method.exp_month) < (today.year, today.month):
        raise CardExpired(_("This saved card has expired; add the new card."), field="saved_method_id")
    return method


def saved_card_payment_start(*, target: PaymentTarget, method_id: str) -> Payment:
    """One-click payment with a saved card: the same flow as a card payment, charged through the token."""
    method = saved_method_usable(buyer=target.buyer, method_id=method_id)
    fee = _priced(target, Method.CARD, network=method.brand, country=method.country or target.buyer.country)
    payment, events = _new_payment(
        target,
        Method.CARD,
        method.provider,
        PaymentStatus.REQUIRES_ACTION,
        fee,
        card_brand=method.brand,
        card_last4=method.last4,
        card_exp_month=method.exp_month,
        card_exp_year=method.exp_year,
        card_country=method.country,
        saved_method_id=method.id,
    )
    result = providers.CARD_PROVIDER.charge_token(
        token=method.token, amount=payment.charge_amount, currency=payment.charge_currency, idempotency_key=payment.id
    )
    if not result.approved:
        return _failed(payment, result.decline_code, result.decline_message, events)
    payment.provider_reference, payment.provider_token = result.reference, result.token
    authorized = _new_event(
        payment, "authorized", payment.total_charged, reference=result.reference, saved_method=method.id
    )
    captured = _new_event(payment, "captured", payment.total_charged)
    _hold(
        payment, charged=True, events=[*events, authorized, captured], changed=["provider_reference", "provider_token"]
    )
    return payment


def echeck_payment_start(*, target: PaymentTarget, bank_account: dict[str, Any], idempotency_key: str) -> Payment:
    routing = str(bank_account.get("routing_number", ""))
    account = str(bank_account.get("account_number", ""))
    if target.pay_currency != "USD":
        raise PaymentMethodUnavailable(_("e-Check is only available for payments in USD."), field="method")
    if not aba_routing_valid(routing):
        raise CardInvalid(
            _("The routing number is not a valid ABA number."),
            field="bank_account.routing_number",
            code="routing_number_invalid",
        )
    if not (account.isdigit() and 4 <= len(account) <= 17):
        raise CardInvalid(
            _("The account number must be 4 to 17 digits."),
            field="bank_account.account_number",
            code="account_number_invalid",
        )
    fee = _priced(target, Method.ECHECK)
    payment, events = _new_payment(
        target,
        Method.ECHECK,
        providers.BANK_DEBIT_PROVIDER.name,
        PaymentStatus.REQUIRES_ACTION,
        fee,
        card_last4=account[-4:],
    )
    result = providers.BANK_DEBIT_PROVIDER.debit(
        routing_number=routing,
        account_number=account,
        amount=payment.charge_amount,
        currency=payment.charge_currency,
        idempotency_key=payment.id,
    )
    if not result.approved:
        return _failed(payment, result.decline_code, result.decline_message, events)
    payment.provider_reference = result.reference
    authorized = _new_event(payment, "authorized", payment.total_charged, reference=result.reference)
    captured = _new_event(payment, "captured", payment.total_charged)
    _hold(payment, charged=True, events=[*events, authorized, captured], changed=["provider_reference"])
    return payment


def wallet_payment_start(*, target: PaymentTarget, wallet: str) -> Payment:
    if wallet not in ("paypal", "alipay", "apple_pay", "google_pay"):
        raise PaymentMethodUnavailable(_("Wallet must be paypal, alipay, apple_pay or google_pay."), field="wallet")
    return redirect_payment_start(target=target, method=Method.WALLET, wallet=wallet)


def redirect_payment_start(*, target: PaymentTarget, method: str, wallet: str = "") -> Payment:
    """A method the buyer approves on another page (wallet, SEPA transfer, Boleto): the payment waits in
    requires_action with the page's address until the approval comes back."""
    key = wallet if method == Method.WALLET else method
    fee = _priced(target, key)
    provider = providers.redirect_provider(method)
    # `wallet` names what the approval page shows, for local methods too (sepa, boleto)
    payment, events = _new_payment(target, method, provider.name, PaymentStatus.REQUIRES_ACTION, fee, wallet=key)
    payment.provider_reference = provider.start(
        payment_id=payment.id, wallet=key, amount=payment.charge_amount, currency=payment.charge_currency
    )
    _save(payment, "provider_reference")
    if method != Method.WALLET:
        events.append(_new_event(payment, "awaiting_funds", payment.charge_amount, expected_by=funds_expected_by(key)))
    PaymentEvent.objects.bulk_create(events)
    return payment


def wallet_payment_confirm(*, payment: Payment, approval_token: str) -> Payment:
    """The buyer approved on the wallet's (or bank's) page; capture into escrow. Caller holds the lock."""
    if payment.method not in REDIRECT_METHODS or payment.status != PaymentStatus.REQUIRES_ACTION:
        raise PaymentNotConfirmable(_("This payment is not waiting for a wallet approval."))
    provider = providers.redirect_provider(payment.method)
    if not provider.verify(payment_id=payment.id, approval_token=approval_token):
        raise PaymentNotConfirmable(
            _("The wallet approval could not be verified."), code="wallet_approval_invalid", status=422
        )
    authorized = _new_event(payment, "authorized", payment.total_charged, wallet=payment.wallet)
    captured = _new_event(payment, "captured", payment.total_charged)
    _hold(payment, charged=True, events=[authorized, captured])
    return payment


def bank_transfer_payment_start(*, target: PaymentTarget) -> Payment:
    if target.fx is not None:
        raise FxRateUnavailable(
            _("A bank transfer (T/T) is paid in the order's currency; pay by another method to use another currency."),
            field="pay_currency",
            code="fx_not_supported",
        )
    _priced(target, Method.BANK_TRANSFER)
    payment, events = _new_payment(
        target,
        Method.BANK_TRANSFER,
        providers.BANK_TRANSFER_PROVIDER.name,
        PaymentStatus.AWAITING_FUNDS,
        0,
        bank_reference=providers.new_bank_reference(),
    )
    expected = funds_expected_by(Method.BANK_TRANSFER)
    PaymentEvent.objects.bulk_create(
        [*events, _new_event(payment, "awaiting_funds", payment.amount, expected_by=expected)]
    )
    return payment


def bank_instructions(payment: Payment) -> dict[str, str]:
    return providers.BANK_TRANSFER_PROVIDER.instructions(
        reference=payment.bank_reference or "", amount=payment.amount, currency=payment.currency
    )


@dataclass(frozen=True)
class ReceiptOutcome:
    receipt: BankReceipt
    payment: Payment | None
    became_funded: bool
    replay: bool = False


def bank_receipt_record(
    *,
    bank_transaction_id: str,
    reference: str,
    amount: int,
    currency: str,
    value_date: date,
    source: str,
    payer_name: str = "",
) -> ReceiptOutcome:
    """Apply money seen on the collection account. Idempotent per bank transaction id."""
    check_amount(amount)
    if not bank_transaction_id:
        raise BankReceiptInvalid(_("A bank transaction id is required."), field="bank_transaction_id")
    existing = BankReceipt.objects.filter(bank_transaction_id=bank_transaction_id).first()
    if existing is not None:
        return ReceiptOutcome(existing, existing.payment, False, replay=True)
    normalized = "".join(reference.upper().split())
    payment = (
        Payment.objects.select_for_update()
        .filter(bank_reference__isnull=False, method=Method.BANK_TRANSFER)
        .filter(bank_reference__in=[normalized, *[w for w in reference.upper().split() if w.startswith("TS")]])
        .first()
    )
    receipt = BankReceipt(
        bank_transaction_id=bank_transaction_id,
        reference=reference[:140],
        amount=amount,
        currency=currency,
        payer_name=payer_name[:200],
        value_date=value_date,
        source=source,
    )
    if payment is None or payment.currency != currency:
        receipt.status = BankReceipt.Status.UNMATCHED
        receipt.save()
        escrow.unallocated_receipt(
            transfer_id=f"receipt:{bank_transaction_id}", currency=currency, amount=amount, ref=bank_transaction_id
        )
        return ReceiptOutcome(receipt, None, False)

    receipt.payment, receipt.status = payment, BankReceipt.Status.MATCHED
    outstanding = (
        payment.amount - payment.received_amount
        if payment.status in (PaymentStatus.AWAITING_FUNDS, PaymentStatus.PARTIALLY_FUNDED)
        else 0
    )
    applied = min(amount, max(outstanding, 0))
    receipt.applied_amount, receipt.excess_amount = applied, amount - applied
    receipt.save()
    escrow.escrow_fund(
        transfer_id=f"receipt:{bank_transaction_id}",
        payment_id=payment.id,
        order_id=payment.order_id,
        currency=currency,
        amount=amount,
    )
    if receipt.excess_amount:
        escrow.excess_refund(
            transfer_id=f"excess:{bank_transaction_id}",
            payment_id=payment.id,
            order_id=payment.order_id,
            currency=currency,
            amount=receipt.excess_amount,
        )
        _event(
            payment,
            "overpayment_refunded",
            receipt.excess_amount,
            expected_by=refund_expected_by(Method.BANK_TRANSFER),
            bank_transaction_id=bank_transaction_id,
        )
    if not applied:
        return ReceiptOutcome(receipt, payment, False)
    payment.received_amount += applied
    _event(payment, "funds_received", applied, bank_transaction_id=bank_transaction_id)
    if payment.received_amount < payment.cash_amount:
        payment.status = PaymentStatus.PARTIALLY_FUNDED
        _save(payment, "status", "received_amount")
        return ReceiptOutcome(receipt, payment, False)
    _hold(payment, events=[_new_event(payment, "captured", payment.amount)])  # saves received_amount too
    return ReceiptOutcome(receipt, payment, True)


def payment_release(*, payment: Payment, hold: Transfer | None) -> Payment:
    """Release the payment's active `hold` (`escrow.active_holds`) to the supplier, keeping the reserve."""
    if hold is None:
        return payment
    net, fee = escrow.release_split(hold.amount)
    reserve = payouts.reserve_claim(
        payment_id=payment.id, supplier_id=payment.supplier_id, currency=payment.currency, released=net
    )
    escrow.escrow_release(
        payment_id=payment.id,
        order_id=payment.order_id,
        currency=payment.currency,
        hold=hold,
        then=[reserve] if reserve else [],
    )
    payment.status = PaymentStatus.RELEASED
    payment.released_amount = net
    _save(payment, "status", "released_amount")
    events = [_new_event(payment, "released", net, service_fee=fee)]
    if reserve:
        expected = clock.today() + timedelta(days=reserve_days())
        events.append(_new_event(payment, "reserve_held", reserve.amount, expected_by=expected))
    PaymentEvent.objects.bulk_create(events)
    return payment


def held_amount(payment: Payment) -> int:
    hold = escrow.active_hold(payment.id)
    return hold.amount if hold else 0


def payment_refund(*, payment: Payment, amount: int | None, reason: str, include_fee: bool = False) -> int:
    """Refund part or all of what a payment holds in escrow; returns the amount refunded.

    The method's own money goes back first, then any buyer credit the payment used (back as credit).
    """
    held = held_amount(payment)
    amount = held if amount is None else amount
    if amount <= 0 or amount > held:
        raise RefundExceedsHeld(
            _("At most %(held)s can be refunded from this payment.") % {"held": held}, field="amount"
        )
    seq = payment.events.filter(kind__in=["refunded", "partially_refunded"]).count() + 1
    to_method = min(amount, payment.cash_amount - payment.refunded_amount)
    to_credit = amount - to_method
    remaining = escrow.escrow_refund(
        payment_id=payment.id,
        order_id=payment.order_id,
        supplier_id=payment.supplier_id,
        buyer_id=payment.buyer_id,
        currency=payment.currency,
        amount=to_method,
        to_credit=to_credit,
        refund_seq=seq,
    )
    refunded = to_method
    if include_fee and remaining == 0:
        escrow.processing_fee_refund(payment_id=payment.id, currency=payment.currency, fee=payment.fee_amount)
        refunded += payment.fee_amount
    payment.refunded_amount += refunded
    payment.credit_returned += to_credit
    if payment.is_fx and refunded > 0:
        _fx_refund(payment, refunded, seq)
    payment.status = PaymentStatus.REFUNDED if remaining == 0 else PaymentStatus.PARTIALLY_REFUNDED
    _save(payment, "status", "refunded_amount", "credit_returned")
    _event(
        payment,
        payment.status,
        refunded + to_credit,
        expected_by=refund_expected_by(payment.method_key),
        reason=reason,
        to_credit=to_credit,
        **({"pay_refunded": payment.pay_refunded, "pay_currency": payment.pay_currency} if payment.is_fx else {}),
    )
    return refunded + to_credit


def _fx_refund(payment: Payment, refunded: int, seq: int) -> None:
    """Convert a refund back at the locked rate. Cumulative, rounded up like the charge, and capped at what
    was charged: a full refund returns exactly the amount charged in the pay currency."""
    assert payment.fx_rate is not None
    charged = payment.cash_amount + payment.fee_amount
    if payment.refunded_amount >= charged:
        owed = payment.pay_amount
    else:
        owed = min(
            payment.pay_amount,
            convert_up(payment.refunded_amount, payment.currency, payment.pay_currency, payment.fx_rate),
        )
    back = max(owed - payment.pay_refunded, 0)
    escrow.fx_refund(
        transfer_id=f"fxrefund:{payment.id}:{seq}",
        payment_id=payment.id,
        currency=payment.currency,
        amount=refunded,
        pay_currency=payment.pay_currency,
        pay_amount=back,
    )
    payment.pay_refunded += back
    _save(payment, "pay_refunded")


def payment_cancel_open(*, payment: Payment, reason: str) -> Payment:
    """Stop waiting for a payment that never completed; money already received is refunded."""
    if payment.status == PaymentStatus.PARTIALLY_FUNDED and payment.received_amount:
        escrow.excess_refund(
            transfer_id=f"cancelrefund:{payment.id}",
            payment_id=payment.id,
            order_id=payment.order_id,
            currency=payment.currency,
            amount=payment.received_amount,
        )
        payment.refunded_amount = payment.received_amount
        _event(
            payment,
            "refunded",
            payment.received_amount,
            expected_by=refund_expected_by(payment.method_key),
            reason=reason,
        )
    _return_credit(payment, reason)
    payment.status = PaymentStatus.CANCELLED
    _save(payment, "status", "refunded_amount")
    _event(payment, "cancelled", reason=reason)
    return payment
