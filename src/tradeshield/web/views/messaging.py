"""Conversations in the web UI: the inbox, a new inquiry, a thread with its reply form (refreshed live
with htmx), and the conversation panel of the order page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tradeshield.files import services as files
from tradeshield.kit.errors import DomainError
from tradeshield.messaging import selectors, services
from tradeshield.messaging.models import MAX_BODY, MAX_SUBJECT, Thread, ThreadKind
from tradeshield.orders.models import Order
from tradeshield.orders.selectors import order_get
from tradeshield.organizations.actors import Actor
from tradeshield.organizations.models import Organization, OrgKind
from tradeshield.web.forms import BootstrapMixin
from tradeshield.web.views.common import actor_of, apply_error, not_found_on

POLL_SECONDS = 10
PAGE_SIZE = 25


class ReplyForm(BootstrapMixin, forms.Form):
    body = forms.CharField(label=gettext_lazy("Message"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(
        label=gettext_lazy("Attachment (optional)"),
        required=False,
        help_text=gettext_lazy("JPEG, PNG, WebP or PDF, up to 10 MB."),
    )


class InquiryForm(ReplyForm):
    supplier = forms.ChoiceField(label=gettext_lazy("Supplier"))
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=MAX_SUBJECT)
    product = forms.CharField(label=gettext_lazy("Product (optional)"), max_length=200, required=False)
    quantity = forms.CharField(
        label=gettext_lazy("Quantity (optional)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. 5,000 pcs")}),
    )
    field_order = ["supplier", "subject", "product", "quantity", "body", "attachment"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        suppliers = Organization.objects.filter(kind=OrgKind.SUPPLIER).order_by("name").values_list("id", "name")
        self.fields["supplier"].choices = [("", "—"), *suppliers]  # type: ignore[attr-defined]


def _attachment_ids(actor: Actor, form: forms.Form) -> list[str]:
    upload = form.cleaned_data.get("attachment")
    if not upload:
        return []
    stored = services.attachment_upload(actor=actor, data=upload.read(files.MAX_BYTES + 1), name=upload.name)
    return [stored.id]


def _thread(actor: Actor, thread_id: str) -> Thread:
    try:
        return selectors.thread_get(actor, thread_id)
    except DomainError as error:
        not_found_on(error)
        raise


def _conversation(actor: Actor, thread: Thread | None) -> dict[str, Any]:
    """What the live part of a conversation shows: its messages, oldest first."""
    rows = selectors.messages_of(thread, limit=500) if thread else []
    return {
        "thread": thread,
        "messages": [{"message": m, "mine": m.organization_id == actor.org_id} for m in rows],
        "poll_seconds": POLL_SECONDS,
    }


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    try:
        offset = max(0, int(request.GET.get("page", "1")) - 1) * PAGE_SIZE
    except ValueError:
        offset = 0
    unread_only = request.GET.get("unread") == "1"
    rows = selectors.inbox(actor, offset=offset, limit=PAGE_SIZE + 1, unread_only=unread_only)
    page_number = offset // PAGE_SIZE + 1
    return render(
        request,
        "web/messaging/inbox.html",
        {
            "threads": [{"thread": t, "side": t.side_of(actor.org_id)} for t in rows[:PAGE_SIZE]],
            "unread_only": unread_only,
            "page": page_number,
            "next_page": page_number + 1 if len(rows) > PAGE_SIZE else None,
            "previous_page": page_number - 1 if page_number > 1 else None,
            "can_inquire": actor.is_buyer_org,
            "counts": selectors.unread_counts(actor),
        },
    )


@login_required
def inquiry_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not actor.is_buyer_org:
        raise PermissionDenied(_("Only buyer organizations send inquiries."))
    if request.method == "POST":
        form = InquiryForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                thread = services.inquiry_create(
                    actor=actor,
                    supplier_id=data["supplier"],
                    subject=data["subject"],
                    body=data["body"],
                    product=data["product"],
                    quantity=data["quantity"],
                    attachment_ids=_attachment_ids(actor, form),
                )
            except DomainError as error:
                apply_error(
                    form, error, {"supplier_id": "supplier", "attachment_ids": "attachment", "file": "attachment"}
                )
            else:
                messages.success(request, _("Your inquiry was sent."))
                return redirect("web:thread_detail", thread_id=thread.id)
    else:
        form = InquiryForm(initial={"supplier": request.GET.get("supplier", "")})
    return render(request, "web/messaging/new.html", {"form": form})


@login_required
def thread_detail(request: HttpRequest, thread_id: str) -> HttpResponse:
    actor = actor_of(request)
    thread = _thread(actor, thread_id)
    if thread.kind == ThreadKind.ORDER and request.method == "GET":
        return redirect(reverse("web:order_detail", args=[thread.order_id]) + "#conversation")
    writer = bool(thread.side_of(actor.org_id))
    form = ReplyForm()
    if request.method == "POST":
        if not writer:
            raise PermissionDenied(_("Platform staff read conversations; they do not post in them."))
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.inquiry_reply(
                    actor=actor,
                    thread_id=thread.id,
                    body=form.cleaned_data["body"],
                    attachment_ids=_attachment_ids(actor, form),
                )
            except DomainError as error:
                apply_error(form, error, {"attachment_ids": "attachment", "file": "attachment"})
            else:
                return redirect(reverse("web:thread_detail", args=[thread.id]) + "#reply")
    services.thread_mark_read(actor=actor, thread=thread)
    context = {"side": thread.side_of(actor.org_id), "form": form if writer else None, **_conversation(actor, thread)}
    context["live_url"] = reverse("web:thread_live", args=[thread.id])
    return render(request, "web/messaging/thread.html", context)


@login_required
@require_GET
def thread_live(request: HttpRequest, thread_id: str) -> HttpResponse:
    """The message list alone, for htmx polling; reading it marks the thread read."""
    actor = actor_of(request)
    thread = _thread(actor, thread_id)
    services.thread_mark_read(actor=actor, thread=thread)
    context = {**_conversation(actor, thread), "live_url": reverse("web:thread_live", args=[thread.id])}
    return render(request, "web/messaging/_messages.html", context)


# ---------------------------------------------------------------------------------------------------------------
# The order page's conversation panel


def order_conversation_context(actor: Actor, order: Order, side: str) -> dict[str, Any]:
    thread = selectors.order_thread(actor, order.id)
    if thread is not None and side:
        services.thread_mark_read(actor=actor, thread=thread)
    return {
        "conversation": {
            **_conversation(actor, thread),
            "form": ReplyForm(auto_id="conv_%s") if side else None,
            "live_url": reverse("web:order_messages_live", args=[order.id]),
        }
    }


def visible_order(actor: Actor, order_id: str) -> Order:
    """The order, or a 404 page for anyone who may not see it."""
    try:
        return order_get(actor, order_id)
    except DomainError as error:
        not_found_on(error)
        raise


@login_required
@require_POST
def order_message(request: HttpRequest, order_id: str) -> HttpResponse:
    actor = actor_of(request)
    order = visible_order(actor, order_id)
    back = reverse("web:order_detail", args=[order.id]) + "#conversation"
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect(back)
    try:
        services.order_message_post(
            actor=actor, order_id=order.id, body=form.cleaned_data["body"], attachment_ids=_attachment_ids(actor, form)
        )
    except DomainError as error:
        not_found_on(error)
        messages.error(request, error.message)
    return redirect(back)


@login_required
@require_GET
def order_messages_live(request: HttpRequest, order_id: str) -> HttpResponse:
    actor = actor_of(request)
    order = visible_order(actor, order_id)
    context = order_conversation_context(actor, order, "buyer" if actor.org_id else "")["conversation"]
    return render(request, "web/messaging/_messages.html", context)
