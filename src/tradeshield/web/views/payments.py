"""One payment's progress: initiated → authorized → captured → held in escrow → released / refunded."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tradeshield.kit.errors import DomainError
from tradeshield.orders import paying
from tradeshield.payments.models import OPEN_STATUSES, REDIRECT_METHODS, PaymentStatus
from tradeshield.payments.render import render_payment
from tradeshield.payments.selectors import payment_get, payment_timeline
from tradeshield.payments.timeline import expected_times
from tradeshield.web.presenters import payment_steps
from tradeshield.web.views.common import Outcome, actor_of, new_key, not_found_on, run_once
from tradeshield.web.views.paying import decline_message, wallet_url


@login_required
def payment_detail(request: HttpRequest, payment_id: str) -> HttpResponse:
    actor = actor_of(request)
    try:
        payment = payment_get(actor, payment_id)
    except DomainError as error:
        not_found_on(error)
        raise
    rendered = render_payment(payment)
    waiting_for_funds = payment.status in (PaymentStatus.AWAITING_FUNDS, PaymentStatus.PARTIALLY_FUNDED)
    is_buyer = actor.org_id == payment.buyer_id
    return render(
        request,
        "web/payments/detail.html",
        {
            "payment": payment,
            "steps": payment_steps(payment, payment_timeline(payment)),
            "expected": expected_times(payment.method_key),
            "bank_instructions": rendered["bank_instructions"]
            if waiting_for_funds and (is_buyer or actor.is_staff)
            else None,
            "outstanding": payment.amount - payment.received_amount,
            "wallet_url": wallet_url(payment)
            if is_buyer and payment.method in REDIRECT_METHODS and payment.status == PaymentStatus.REQUIRES_ACTION
            else "",
            "decline": decline_message(payment) if payment.status == PaymentStatus.FAILED else "",
            "can_abandon": is_buyer and payment.status in OPEN_STATUSES,
            "idempotency_key": new_key(),
        },
    )


@login_required
@require_POST
def payment_abandon(request: HttpRequest, payment_id: str) -> HttpResponse:
    """The buyer stops waiting for a wallet approval or bank transfer, to pay another way."""
    actor = actor_of(request)
    back = reverse("web:payment_detail", args=[payment_id])

    def action() -> Outcome:
        try:
            payment = paying.payment_abandon(actor=actor, payment_id=payment_id)
        except DomainError as error:
            not_found_on(error)
            messages.error(request, error.message)
            return Outcome(redirect(back), done=False)
        messages.success(request, _("Payment abandoned. You can pay this milestone another way."))
        location = reverse("web:order_pay", args=[payment.order_id])
        return Outcome(redirect(location), done=True, location=location)

    return run_once(request, actor, action, back=back)
