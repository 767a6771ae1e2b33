"""Reviews in the web UI: the review form on a completed order, a supplier's reviews with replies,
reporting a review, and the staff moderation queue."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tradeshield.kit.errors import DomainError
from tradeshield.orders.models import Order
from tradeshield.organizations.actors import Actor
from tradeshield.organizations.models import Organization, OrgKind
from tradeshield.reviews import selectors, services
from tradeshield.reviews.models import MAX_REASON, MAX_TEXT, Review
from tradeshield.web.forms import BootstrapMixin
from tradeshield.web.views.common import actor_of, not_found_on
from tradeshield.web.views.messaging import visible_order

PAGE_SIZE = 10
STARS = [(i, str(i)) for i in range(5, 0, -1)]


def _stars(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=STARS, coerce=int, widget=forms.RadioSelect)


class ReviewForm(BootstrapMixin, forms.Form):
    product_quality = _stars(gettext_lazy("Product quality"))
    delivery_time = _stars(gettext_lazy("Delivery time"))
    service = _stars(gettext_lazy("Service"))
    text = forms.CharField(
        label=gettext_lazy("Your review"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReplyForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Public reply"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 2})
    )


class OptionalReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("Note (optional)"), max_length=MAX_REASON, required=False)


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    for errors in form.errors.values():
        messages.error(request, " ".join(str(e) for e in errors))


def _done_or_error(request: HttpRequest, action: Any, success: str) -> None:
    try:
        action()
    except DomainError as error:
        not_found_on(error)
        messages.error(request, error.message)
    else:
        messages.success(request, success)


def order_review_context(actor: Actor, order: Order, side: str) -> dict[str, Any]:
    review = selectors.review_of_order(order.id)
    can_review = (
        review is None and side == "buyer" and order.status in services.REVIEWABLE and actor.can("order.receive")
    )
    return {
        "review_panel": {
            "review": review,
            "show": review is not None or can_review,
            "form": ReviewForm(auto_id="review_%s") if can_review else None,
        }
    }


@login_required
@require_POST
def review_new(request: HttpRequest, order_id: str) -> HttpResponse:
    actor = actor_of(request)
    order = visible_order(actor, order_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        _done_or_error(
            request,
            lambda: services.review_create(actor=actor, order_id=order.id, **form.cleaned_data),
            _("Thank you: your review is published."),
        )
    else:
        _form_errors(request, form)
    return redirect(reverse("web:order_detail", args=[order.id]) + "#review")


def _supplier(supplier_id: str) -> Organization:
    supplier = Organization.objects.filter(pk=supplier_id, kind=OrgKind.SUPPLIER).first()
    if supplier is None:
        raise Http404(_("No such supplier."))
    return supplier


@login_required
@require_GET
def supplier_reviews(request: HttpRequest, supplier_id: str) -> HttpResponse:
    actor = actor_of(request)
    supplier = _supplier(supplier_id)
    cursor = request.GET.get("cursor") or None
    rows = selectors.supplier_reviews(supplier.id, cursor=cursor, limit=PAGE_SIZE + 1)
    stats = selectors.review_stats([supplier.id])[supplier.id]
    own = actor.org_id == supplier.id and actor.can("order.write")
    items = [
        {
            "review": r,
            "reply_form": ReplyForm(auto_id=f"reply_{r.id}_%s") if own and not hasattr(r, "reply") else None,
        }
        for r in rows[:PAGE_SIZE]
    ]
    return render(
        request,
        "web/reviews/supplier.html",
        {
            "supplier": supplier,
            "items": items,
            "stats": stats,
            "next_cursor": rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None,
            "can_report": actor.user is not None,
            "chart": {
                "labels": [str(_("Product quality")), str(_("Delivery time")), str(_("Service"))],
                "values": [float(v) if v is not None else 0 for v in stats.averages.values()],
                "label": str(_("Average of 5")),
                "tones": ["primary", "info", "success"],
            },
        },
    )


def _visible_review(actor: Actor, review_id: str) -> Review:
    try:
        return selectors.review_get(actor, review_id)
    except DomainError as error:
        not_found_on(error)
        raise


def _review_back(review: Review) -> str:
    return reverse("web:supplier_reviews", args=[review.supplier_id]) + f"#{review.id}"


@login_required
@require_POST
def review_reply(request: HttpRequest, review_id: str) -> HttpResponse:
    actor = actor_of(request)
    review = _visible_review(actor, review_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        _done_or_error(
            request,
            lambda: services.review_reply(actor=actor, review_id=review.id, text=form.cleaned_data["text"]),
            _("Your reply is published."),
        )
    else:
        _form_errors(request, form)
    return redirect(_review_back(review))


@login_required
@require_POST
def review_report(request: HttpRequest, review_id: str) -> HttpResponse:
    actor = actor_of(request)
    review = _visible_review(actor, review_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        _done_or_error(
            request,
            lambda: services.review_report(actor=actor, review_id=review.id, reason=form.cleaned_data["reason"]),
            _("Thank you. Our support team will look at this review."),
        )
    else:
        _form_errors(request, form)
    return redirect(_review_back(review))


def _moderator(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if not selectors.is_moderator(actor):
        raise PermissionDenied(_("Only support agents and admins moderate reviews."))
    return actor


@login_required
@require_GET
def moderation_queue(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    status = request.GET.get("status", "open")
    if status not in ("open", "dismissed", "upheld"):
        status = "open"
    cursor = request.GET.get("cursor") or None
    rows = selectors.moderation_queue(status=status, cursor=cursor, limit=PAGE_SIZE + 1)
    return render(
        request,
        "web/reviews/moderation.html",
        {
            "reports": rows[:PAGE_SIZE],
            "status": status,
            "next_cursor": rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None,
            "hide_form": ReasonForm(auto_id=False),
            "dismiss_form": OptionalReasonForm(auto_id=False),
        },
    )


def _moderate(request: HttpRequest, form: forms.Form, action: Any, success: str) -> HttpResponse:
    if form.is_valid():
        _done_or_error(request, lambda: action(form.cleaned_data["reason"]), success)
    else:
        _form_errors(request, form)
    return redirect("web:moderation_queue")


@login_required
@require_POST
def moderation_hide(request: HttpRequest, review_id: str) -> HttpResponse:
    actor = _moderator(request)
    return _moderate(
        request,
        ReasonForm(request.POST),
        lambda reason: services.review_hide(actor=actor, review_id=review_id, reason=reason),
        _("The review is hidden. It stays in the record."),
    )


@login_required
@require_POST
def moderation_dismiss(request: HttpRequest, report_id: str) -> HttpResponse:
    actor = _moderator(request)
    return _moderate(
        request,
        OptionalReasonForm(request.POST),
        lambda reason: services.report_dismiss(actor=actor, report_id=report_id, reason=reason),
        _("The report is dismissed; the review stays visible."),
    )
