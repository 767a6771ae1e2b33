"""Signing in and out (Django's session auth with the email as user name)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from tradeshield.web.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "web/account/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = "web:login"
