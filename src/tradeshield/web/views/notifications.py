"""The notification centre, and webhook endpoints with their delivery log (organization owners)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tradeshield.kit.errors import DomainError
from tradeshield.notifications import selectors, services, webhooks
from tradeshield.notifications.catalogue import EVENT_TYPES, TEST_EVENT_TYPE
from tradeshield.notifications.models import WebhookEndpoint
from tradeshield.notifications.render import render_notification
from tradeshield.organizations.models import Organization
from tradeshield.web.forms import BootstrapMixin
from tradeshield.web.views.common import actor_of, apply_error, not_found_on

PAGE_SIZE = 20


class WebhookEndpointForm(BootstrapMixin, forms.Form):
    url = forms.CharField(
        label=gettext_lazy("Endpoint URL"),
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://erp.example.com/tradeshield/webhooks"}),
    )
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        choices=[(t, t) for t in EVENT_TYPES if t != TEST_EVENT_TYPE],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Choose none to receive every event."),
    )
    enabled = forms.BooleanField(label=gettext_lazy("Enabled"), required=False, initial=True)


def _user_id(request: HttpRequest) -> str:
    return str(request.user.pk)


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else fallback


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    cursor = request.GET.get("cursor") or None
    rows = selectors.notifications_for(_user_id(request), unread_only=unread_only, cursor=cursor, limit=PAGE_SIZE + 1)
    context = {
        "notifications": [render_notification(n) for n in rows[:PAGE_SIZE]],
        "next_cursor": rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None,
        "unread_only": unread_only,
    }
    return render(request, "web/notifications/list.html", context)


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: str) -> HttpResponse:
    try:
        services.notification_mark_read(user_id=_user_id(request), notification_id=notification_id)
    except DomainError as error:
        not_found_on(error)
        raise
    return redirect(_back(request, "web:notifications"))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user_id=_user_id(request))
    if count:
        messages.success(request, _("All notifications marked as read."))
    return redirect(_back(request, "web:notifications"))


def _owner(request: HttpRequest) -> Organization:
    actor = actor_of(request)
    if actor.organization is None or not actor.can("org.admin"):
        raise PermissionDenied(_("Only organization owners manage webhook endpoints."))
    return actor.organization


def _endpoint(organization: Organization, endpoint_id: str) -> WebhookEndpoint:
    try:
        return selectors.endpoint_get(organization, endpoint_id)
    except DomainError as error:
        not_found_on(error)
        raise


def _shown_once(response: HttpResponse, secret: str | None) -> HttpResponse:
    if secret:
        response["Cache-Control"] = "no-store"  # the secret is on this page, and only on this page
    return response


@login_required
@require_http_methods(["GET", "POST"])
def webhook_list(request: HttpRequest) -> HttpResponse:
    organization = _owner(request)
    form = WebhookEndpointForm(request.POST or None)
    created, secret = None, None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = webhooks.webhook_endpoint_create(
                organization=organization, created_by=actor_of(request).user, **form.cleaned_data
            )
            form = WebhookEndpointForm()
        except DomainError as error:
            apply_error(form, error)
    context = {
        "form": form,
        "endpoints": selectors.endpoints_for(organization),
        "created": created,
        "secret": secret,
    }
    return _shown_once(render(request, "web/notifications/webhooks.html", context), secret)


def _detail(request: HttpRequest, endpoint: WebhookEndpoint, **extra: Any) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    rows = selectors.deliveries_for(endpoint, cursor=cursor, limit=PAGE_SIZE + 1)
    form = extra.pop("form", None) or WebhookEndpointForm(
        initial={
            "url": endpoint.url,
            "description": endpoint.description,
            "event_types": endpoint.event_types,
            "enabled": endpoint.enabled,
        }
    )
    context = {
        "endpoint": endpoint,
        "form": form,
        "deliveries": rows[:PAGE_SIZE],
        "next_cursor": rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None,
        **extra,
    }
    return render(request, "web/notifications/webhook_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def webhook_detail(request: HttpRequest, endpoint_id: str) -> HttpResponse:
    organization = _owner(request)
    endpoint = _endpoint(organization, endpoint_id)
    if request.method != "POST":
        return _detail(request, endpoint)
    form = WebhookEndpointForm(request.POST)
    if form.is_valid():
        try:
            changes = webhooks.EndpointChanges(**form.cleaned_data)
            webhooks.webhook_endpoint_update(organization=organization, endpoint_id=endpoint.id, changes=changes)
        except DomainError as error:
            not_found_on(error)
            apply_error(form, error)
        else:
            messages.success(request, _("Endpoint saved."))
            return redirect("web:webhook_detail", endpoint_id=endpoint.id)
    return _detail(request, endpoint, form=form)


@login_required
@require_POST
def webhook_rotate(request: HttpRequest, endpoint_id: str) -> HttpResponse:
    organization = _owner(request)
    endpoint, secret = webhooks.webhook_endpoint_rotate_secret(
        organization=organization, endpoint_id=_endpoint(organization, endpoint_id).id
    )
    return _shown_once(_detail(request, endpoint, secret=secret), secret)


@login_required
@require_POST
def webhook_test(request: HttpRequest, endpoint_id: str) -> HttpResponse:
    organization = _owner(request)
    webhooks.webhook_endpoint_ping(organization=organization, endpoint_id=_endpoint(organization, endpoint_id).id)
    messages.success(request, _("Test message queued. Reload in a moment to see how the endpoint answered."))
    return redirect("web:webhook_detail", endpoint_id=endpoint_id)


@login_required
@require_POST
def webhook_delete(request: HttpRequest, endpoint_id: str) -> HttpResponse:
    organization = _owner(request)
    endpoint = _endpoint(organization, endpoint_id)
    webhooks.webhook_endpoint_delete(organization=organization, endpoint_id=endpoint.id)
    messages.success(request, _("Endpoint %(url)s deleted. Nothing more is sent to it.") % {"url": endpoint.url})
    return redirect("web:webhooks")


@login_required
@require_POST
def webhook_replay(request: HttpRequest, delivery_id: str) -> HttpResponse:
    organization = _owner(request)
    try:
        delivery = webhooks.webhook_delivery_replay(organization=organization, delivery_id=delivery_id)
    except DomainError as error:
        not_found_on(error)
        raise
    messages.success(request, _("Delivery queued to be sent again with the same message id."))
    return redirect("web:webhook_detail", endpoint_id=delivery.endpoint_id)
