"""Paying a milestone into escrow (card, T/T, e-Check, wallet) and the sandbox wallet's approval page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tradeshield.kit import clock
from tradeshield.kit.errors import DomainError
from tradeshield.kit.money import format_amount
from tradeshield.orders import paying
from tradeshield.orders.models import MilestoneStatus, Order
from tradeshield.orders.quotes import fx_for, payment_options
from tradeshield.orders.selectors import order_coverage, order_get
from tradeshield.orders.states import PAYABLE
from tradeshield.organizations.actors import Actor
from tradeshield.payments import providers
from tradeshield.payments.exchange import pay_currencies
from tradeshield.payments.models import OPEN_STATUSES, REDIRECT_METHODS, Method, Payment, PaymentStatus
from tradeshield.payments.offers import WALLETS as WALLET_KEYS
from tradeshield.payments.offers import offers_for
from tradeshield.payments.selectors import payment_get, payments_for_order, saved_methods_for
from tradeshield.web import forms
from tradeshield.web.views.common import Outcome, actor_of, apply_error, new_key, not_found_on, run_once

METHODS = [
    ("card", gettext_lazy("Card")),
    ("bank_transfer", gettext_lazy("Bank transfer (T/T)")),
    ("echeck", gettext_lazy("e-Check (ACH)")),
    ("sepa", gettext_lazy("SEPA transfer")),
    ("boleto", gettext_lazy("Boleto")),
    ("wallet", gettext_lazy("Wallets")),
]
DECLINES = {
    "card_declined": gettext_lazy("The card was declined. Try another card or another payment method."),
    "insufficient_funds": gettext_lazy("The card has insufficient funds."),
    "expired_card": gettext_lazy("The card issuer reports the card as expired."),
    "account_closed": gettext_lazy("The bank account is closed."),
}
FIELD_ALIASES = {
    "card.number": "number",
    "card.exp_month": "exp_month",
    "card.exp_year": "exp_year",
    "card.cvc": "cvc",
    "bank_account.routing_number": "routing_number",
    "bank_account.account_number": "account_number",
}


def _offered(order: Order, pay_currency: str) -> set[str]:
    return {o.method for o in offers_for(country=order.buyer.country, currency=pay_currency)}


def _methods(order: Order, pay_currency: str = "") -> list[tuple[str, Any]]:
    """The method tabs this buyer is offered (the offers table, by country and the currency paid in)."""
    offered = _offered(order, pay_currency or order.currency)
    return [
        (key, label)
        for key, label in METHODS
        if key in offered or (key == "wallet" and offered.intersection(WALLET_KEYS))
    ]


def _limit_wallets(form: Any, order: Order, pay_currency: str) -> Any:
    if form is not None and "wallet" in form.fields:
        offered = _offered(order, pay_currency or order.currency)
        form.fields["wallet"].choices = [(k, v) for k, v in forms.WALLETS if k in offered and k in WALLET_KEYS]
    return form


def _pay_currency(request: HttpRequest, order: Order) -> tuple[str, Any, str]:
    """(pay currency, locked-rate preview or None, error message) from ?currency= or the posted form."""
    wanted = (request.POST.get("pay_currency") or request.GET.get("currency") or "").upper()[:3]
    if not wanted or wanted == order.currency:
        return order.currency, None, ""
    try:
        return wanted, fx_for(order, wanted), ""
    except DomainError as error:
        return order.currency, None, error.message


def decline_message(payment: Payment) -> str:
    if payment.failure_code in DECLINES:
        return str(DECLINES[payment.failure_code])
    event = payment.events.filter(kind="failed").last()
    return str((event.detail or {}).get("message") if event else "") or _("The payment failed.")


def _expired(method: Any) -> bool:
    today = clock.today()
    return bool((method.exp_year, method.exp_month) < (today.year, today.month))


def _initial(order: Order, milestone: Any, pay_currency: str = "") -> dict[str, Any]:
    return {
        "milestone_id": milestone.id,
        "expected_amount": milestone.amount,
        "country": order.buyer.country,
        "pay_currency": pay_currency if pay_currency != order.currency else "",
    }


def _page(
    request: HttpRequest, order: Order, method: str, form: Any, milestone: Any, status: int = 200, **extra: Any
) -> HttpResponse:
    open_payments = [p for p in payments_for_order(order.id) if p.status in OPEN_STATUSES]
    pay_currency, fx, fx_error = _pay_currency(request, order)
    context = {
        "order": order,
        "method": method,
        "methods": _methods(order, pay_currency),
        "form": _limit_wallets(form, order, pay_currency),
        "milestone": milestone,
        "coverage": order_coverage(order),
        "options": payment_options(order, pay_currency=pay_currency) if milestone else [],
        "pay_currency": pay_currency,
        "pay_currencies": pay_currencies(order.currency),
        "fx": fx,
        "fx_error": fx_error,
        "idempotency_key": new_key(),
        "open_payments": open_payments,
        "saved_methods": [m for m in saved_methods_for(order.buyer) if not _expired(m)] if method == "card" else [],
        **extra,
    }
    return render(request, "web/orders/pay.html", context, status=status)


def _pay(request: HttpRequest, actor: Actor, order: Order, method: str, form: Any, milestone: Any) -> Outcome:
    data = form.cleaned_data
    kwargs: dict[str, Any] = {}
    if method == Method.CARD:
        kwargs["card"] = {k: data[k] for k in ("number", "exp_month", "exp_year", "cvc", "country")}
    elif method == Method.ECHECK:
        kwargs["bank_account"] = {"routing_number": data["routing_number"], "account_number": data["account_number"]}
    elif method == Method.WALLET:
        kwargs["wallet"] = data["wallet"]
    try:
        payment = paying.order_pay(
            actor=actor,
            order_id=order.id,
            method=method,
            milestone_id=data["milestone_id"],
            expected_amount={"amount": data["expected_amount"], "currency": order.currency},
            idempotency_key=request.POST.get("idempotency_key", ""),
            pay_currency=data.get("pay_currency") or None,
            **kwargs,
        )
    except DomainError as error:
        not_found_on(error)
        apply_error(form, error, FIELD_ALIASES)
        return Outcome(_page(request, order, method, form, milestone, status=422), done=False)
    here = reverse("web:order_pay", args=[order.id]) + f"?method={method}"
    if payment.status == PaymentStatus.FAILED:  # the form re-renders without the card number (NoEchoInput)
        return Outcome(
            _page(request, order, method, form, milestone, status=402, declined=decline_message(payment)),
            done=True,
            location=here,
        )
    if method in REDIRECT_METHODS:
        target = wallet_url(payment)
        return Outcome(redirect(target), done=True, location=target)
    if method == Method.BANK_TRANSFER:
        target = reverse("web:payment_detail", args=[payment.id])
        messages.success(
            request,
            _("Transfer %(amount)s quoting reference %(ref)s. We hold it in escrow when it arrives.")
            % {"amount": format_amount(payment.amount, payment.currency), "ref": payment.bank_reference},
        )
        return Outcome(redirect(target), done=True, location=target)
    back = reverse("web:order_detail", args=[order.id])
    messages.success(
        request,
        _("Paid %(amount)s. The money is held in escrow until you confirm receipt.")
        % {"amount": format_amount(payment.total_charged, payment.currency)},
    )
    return Outcome(redirect(back), done=True, location=back)


def wallet_url(payment: Payment) -> str:
    """The sandbox wallet lives in this app: stay on this host whatever TRADESHIELD_PUBLIC_URL says."""
    if providers.redirect_provider_named(payment.provider) is not None:
        return reverse("web:wallet_sandbox", args=[payment.id])
    return payment.provider_reference


@login_required
@require_http_methods(["GET", "POST"])
def order_pay(request: HttpRequest, order_id: str) -> HttpResponse:
    actor = actor_of(request)
    try:
        order = order_get(actor, order_id)
    except DomainError as error:
        not_found_on(error)
        raise
    back = reverse("web:order_detail", args=[order.id])
    if actor.org_id != order.buyer_id or not actor.can("order.pay"):
        messages.error(request, _("Only the buyer's purchasing or finance team pays for an order."))
        return redirect(back)
    method = request.POST.get("method") or request.GET.get("method") or "card"
    method = method if method in dict(_methods(order, _pay_currency(request, order)[0])) else "card"
    milestone = None
    if order.status in PAYABLE:
        milestone = order.milestones.filter(status=MilestoneStatus.UNPAID).order_by("position").first()
    form_class = forms.PAY_FORMS[method]
    if milestone is None:
        return _page(request, order, method, None, None)
    if request.method == "POST":
        form = _limit_wallets(form_class(request.POST), order, _pay_currency(request, order)[0])
        if not form.is_valid():
            return _page(request, order, method, form, milestone, status=422)
        return run_once(
            request,
            actor,
            lambda: _pay(request, actor, order, method, form, milestone),
            back=reverse("web:order_pay", args=[order.id]) + f"?method={method}",
        )
    initial = _initial(order, milestone, _pay_currency(request, order)[0])
    return _page(request, order, method, form_class(initial=initial), milestone)


@login_required
@require_http_methods(["GET", "POST"])
def wallet_sandbox(request: HttpRequest, payment_id: str) -> HttpResponse:
    """Stands in for PayPal's or Alipay's approval screen; approving hands back a signed token."""
    actor = actor_of(request)
    try:
        payment = payment_get(actor, payment_id)
    except DomainError as error:
        not_found_on(error)
        raise
    if actor.org_id != payment.buyer_id:
        raise Http404(_("No such payment."))
    back = reverse("web:order_detail", args=[payment.order_id])
    waiting = payment.method in REDIRECT_METHODS and payment.status == PaymentStatus.REQUIRES_ACTION
    if request.method == "POST":

        def approve() -> Outcome:
            token = providers.redirect_provider(payment.method).approval_token(payment.id)
            paying.wallet_return(actor=actor, payment_id=payment.id, approval_token=token)
            messages.success(
                request,
                _("%(wallet)s approved %(amount)s. The money is held in escrow.")
                % {
                    "wallet": dict(forms.WALLETS).get(payment.wallet, payment.wallet),
                    "amount": format_amount(payment.charge_amount, payment.charge_currency),
                },
            )
            return Outcome(redirect(back), done=True, location=back)

        try:
            return run_once(request, actor, approve, back=back)
        except DomainError as error:
            not_found_on(error)
            messages.error(request, error.message)
            return redirect(back)
    return render(
        request,
        "web/payments/wallet_sandbox.html",
        {
            "payment": payment,
            "waiting": waiting,
            "back": back,
            "idempotency_key": new_key(),
            "wallet_name": dict(forms.WALLETS).get(payment.wallet, payment.wallet),
        },
    )
