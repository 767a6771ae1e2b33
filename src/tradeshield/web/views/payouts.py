"""The supplier's Payouts page (balances, bank accounts, payouts) and the buyer's saved cards.

Adding a bank account is a sensitive action: without a password entered in the last few minutes the
person is sent to the confirm-password page first, and comes back here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tradeshield.kit.errors import DomainError
from tradeshield.kit.money import format_amount
from tradeshield.orders import paying
from tradeshield.organizations.actors import Actor
from tradeshield.payments import services as payment_services
from tradeshield.payments.selectors import saved_methods_for
from tradeshield.payouts import services
from tradeshield.payouts.models import Payout, PayoutAccount
from tradeshield.security import reauth
from tradeshield.web.payout_forms import PayoutAccountForm, PayoutForm, SavedCardForm, VerifyForm
from tradeshield.web.views.common import Outcome, actor_of, apply_error, new_key, not_found_on, run_once
from tradeshield.web.views.paying import decline_message


def _payee(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    try:
        services.require_payout_role(actor)
    except DomainError as error:
        raise PermissionDenied(error.message) from None
    return actor


def _page(request: HttpRequest, actor: Actor, status: int = 200, **forms: Any) -> HttpResponse:
    organization = actor.organization
    assert organization is not None
    accounts = list(PayoutAccount.objects.filter(organization=organization).order_by("-created_at"))
    verified = [a for a in accounts if a.status == "verified"]
    balances = [services.balances(organization, c) for c in services.balance_currencies(organization)]
    chart_balance = next((b for b in balances if b.available or b.reserved or b.in_transit), None)
    context = {
        "balances": balances,
        "accounts": accounts,
        "payouts": list(
            Payout.objects.filter(organization=organization).select_related("account").order_by("-created_at")[:50]
        ),
        "account_form": forms.get("account_form") or PayoutAccountForm(),
        "verify_form": forms.get("verify_form") or VerifyForm(),
        "verify_for": forms.get("verify_for", ""),
        "payout_form": forms.get("payout_form") or PayoutForm(accounts=verified),
        "has_verified": bool(verified),
        "recent_auth": reauth.recently_authenticated(request),
        "idempotency_key": new_key(),
        "reserve_percent": services.reserve_percent(),
        "reserve_days": services.reserve_days(),
        "chart": {
            "labels": [_("Available"), _("Reserved"), _("In transit")],
            "values": [chart_balance.available, chart_balance.reserved, chart_balance.in_transit],
            "tones": ["success", "warning", "info"],
            "currency": chart_balance.currency,
        }
        if chart_balance
        else None,
    }
    return render(request, "web/payouts/index.html", context, status=status)


@login_required
@require_GET
def payouts_page(request: HttpRequest) -> HttpResponse:
    return _page(request, _payee(request))


@login_required
@require_POST
def payout_account_add(request: HttpRequest) -> HttpResponse:
    actor = _payee(request)
    if not reauth.recently_authenticated(request):
        messages.info(request, _("Confirm your password to add a bank account."))
        return redirect(reverse("web:confirm_password") + "?" + urlencode({"next": reverse("web:payouts")}))
    form = PayoutAccountForm(request.POST)
    if not form.is_valid():
        return _page(request, actor, status=422, account_form=form)
    try:
        account = services.payout_account_add(actor=actor, **form.cleaned_data)
    except DomainError as error:
        apply_error(form, error)
        return _page(request, actor, status=422, account_form=form)
    messages.success(
        request,
        _("Bank account ••••%(last4)s added. We sent two small deposits to it: enter their amounts to verify it.")
        % {"last4": account.last4},
    )
    return redirect("web:payouts")


@login_required
@require_POST
def payout_account_verify(request: HttpRequest, account_id: str) -> HttpResponse:
    actor = _payee(request)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        return _page(request, actor, status=422, verify_form=form, verify_for=account_id)
    try:
        account = services.payout_account_verify(
            actor=actor, account_id=account_id, amounts=[form.cleaned_data["first"], form.cleaned_data["second"]]
        )
    except DomainError as error:
        not_found_on(error)
        form.add_error(None, error.message)
        return _page(request, actor, status=422, verify_form=form, verify_for=account_id)
    messages.success(request, _("Bank account ••••%(last4)s is verified.") % {"last4": account.last4})
    return redirect("web:payouts")


@login_required
@require_POST
def payout_request(request: HttpRequest) -> HttpResponse:
    actor = _payee(request)
    assert actor.organization is not None
    verified = list(PayoutAccount.objects.filter(organization=actor.organization, status="verified"))
    form = PayoutForm(request.POST, accounts=verified)
    if not form.is_valid():
        return _page(request, actor, status=422, payout_form=form)

    def act() -> Outcome:
        try:
            payout = services.payout_create(
                actor=actor, account_id=form.cleaned_data["account"], amount=form.cleaned_data["amount_minor"]
            )
        except DomainError as error:
            apply_error(form, error)
            return Outcome(_page(request, actor, status=422, payout_form=form), done=False)
        messages.success(
            request,
            _("Payout of %(amount)s is on its way to your bank.")
            % {"amount": format_amount(payout.amount, payout.currency)},
        )
        back = reverse("web:payouts")
        return Outcome(redirect(back), done=True, location=back)

    return run_once(request, actor, act, back=reverse("web:payouts"))


# --- buyer: saved cards and one-click payment ----------------------------------------------------------


def _buyer(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if not actor.is_buyer_org or not actor.can("order.pay"):
        raise PermissionDenied(_("Only a buyer's purchasing or finance team saves cards."))
    return actor


@login_required
def saved_methods(request: HttpRequest) -> HttpResponse:
    actor = _buyer(request)
    form = SavedCardForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                method = payment_services.saved_method_add(
                    buyer=actor.organization,  # type: ignore[arg-type]
                    card=form.cleaned_data,
                    created_by_id=actor.user.id if actor.user else "",
                )
            except DomainError as error:
                apply_error(form, error, {"card.number": "number", "card.exp_year": "exp_year", "card.cvc": "cvc"})
                status = 422
            else:
                messages.success(
                    request, _("Card ••••%(last4)s saved for one-click payment.") % {"last4": method.last4}
                )
                return redirect("web:saved_methods")
        else:
            status = 422
    return render(
        request,
        "web/payouts/saved_methods.html",
        {"form": form, "methods": saved_methods_for(actor.organization)},
        status=status,
    )


@login_required
@require_POST
def saved_method_remove(request: HttpRequest, method_id: str) -> HttpResponse:
    actor = _buyer(request)
    try:
        method = payment_services.saved_method_revoke(buyer=actor.organization, method_id=method_id)  # type: ignore[arg-type]
    except DomainError as error:
        not_found_on(error)
        raise
    messages.success(request, _("Card ••••%(last4)s removed.") % {"last4": method.last4})
    return redirect("web:saved_methods")


@login_required
@require_POST
def order_pay_saved(request: HttpRequest, order_id: str) -> HttpResponse:
    """One click: pay the next milestone with a saved card."""
    actor = actor_of(request)
    back = reverse("web:order_pay", args=[order_id])

    def act() -> Outcome:
        try:
            payment = paying.order_pay(
                actor=actor,
                order_id=order_id,
                method="card",
                saved_method_id=request.POST.get("saved_method_id", ""),
                milestone_id=request.POST.get("milestone_id") or None,
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except DomainError as error:
            not_found_on(error)
            messages.error(request, error.message)
            return Outcome(redirect(back), done=False)
        if payment.status == "failed":
            messages.error(request, decline_message(payment))
            return Outcome(redirect(back), done=True, location=back)
        done = reverse("web:order_detail", args=[order_id])
        messages.success(
            request,
            _("Paid %(amount)s. The money is held in escrow until you confirm receipt.")
            % {"amount": format_amount(payment.total_charged, payment.currency)},
        )
        return Outcome(redirect(done), done=True, location=done)

    return run_once(request, actor, act, back=back)
