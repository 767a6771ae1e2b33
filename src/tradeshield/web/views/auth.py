"""Signing in and out (Django's session auth with the email as user name), with lock-out after repeated
failures, and the confirm-password page that sensitive actions send people to."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tradeshield.security import reauth, throttle
from tradeshield.security.errors import TooManyAttempts
from tradeshield.web.forms import BootstrapMixin, LoginForm


def _locked_out(request: HttpRequest, form: Any, exc: TooManyAttempts, template: str) -> HttpResponse:
    minutes = max(1, (exc.retry_after + 59) // 60)
    form.add_error(
        None,
        _("Too many failed attempts. Try again in %(minutes)d minutes.") % {"minutes": minutes},
    )
    response = render(request, template, {"form": form}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


class LoginView(auth_views.LoginView):
    template_name = "web/account/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = str(request.POST.get("username", "")).strip().lower()
        ip = throttle.client_ip(request.META)  # type: ignore[arg-type]
        try:
            throttle.login_check(email=email, ip=ip)
        except TooManyAttempts as exc:
            return _locked_out(request, self.get_form(), exc, self.template_name)
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            throttle.login_succeeded(email=email)
            reauth.mark_password_entered(request)
        else:
            throttle.login_failed(email=email, ip=ip)
        return response


class LogoutView(auth_views.LogoutView):
    next_page = "web:login"


class ConfirmPasswordForm(BootstrapMixin, forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def confirm_password(request: HttpRequest) -> HttpResponse:
    """Enter the password again before a sensitive action; then back to where the person was going."""
    template = "web/account/confirm_password.html"
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    form = ConfirmPasswordForm(request.POST or None)
    context = {"form": form, "next": target}
    if request.method == "POST" and form.is_valid():
        user: Any = request.user
        ip = throttle.client_ip(request.META)  # type: ignore[arg-type]
        try:
            throttle.login_check(email=user.email, ip=ip)
        except TooManyAttempts as exc:
            return _locked_out(request, form, exc, template)
        if user.check_password(form.cleaned_data["password"]):
            throttle.login_succeeded(email=user.email)
            reauth.mark_password_entered(request)
            return redirect(target or "web:dashboard")
        throttle.login_failed(email=user.email, ip=ip)
        form.add_error("password", _("The password is wrong."))
    return render(request, template, context, status=422 if form.errors else 200)
