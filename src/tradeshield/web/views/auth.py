"""Signing in and out (Django's session auth with the email as user name)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse
from django.utils import translation

from tradeshield.accounts.services import user_adopt_browser_language
from tradeshield.web.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "web/account/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        # Until someone picks a language, the one their browser asked for is remembered (emails need one).
        request = self.request
        if request.META.get("HTTP_ACCEPT_LANGUAGE") or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
            user_adopt_browser_language(user=form.get_user(), language=translation.get_language())
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    next_page = "web:login"
