"""Writes on a person's own account."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tradeshield.accounts.languages import supported_language
from tradeshield.accounts.models import User
from tradeshield.kit.errors import Invalid


def user_set_preferred_language(*, user: User, language: str) -> User:
    """Save the language `user` reads the app, emails and notifications in; "" goes back to the browser's."""
    code = supported_language(language) if language else ""
    if code is None:
        raise Invalid(_("This language is not supported."), field="language", code="unsupported_language")
    if user.preferred_language != code:
        user.preferred_language = code
        User.objects.filter(pk=user.pk).update(preferred_language=code)
    return user


def user_adopt_browser_language(*, user: User, language: str) -> None:
    """At sign-in, a user who never chose a language keeps the one their browser asked for (emails use it)."""
    code = supported_language(language)
    if not user.preferred_language and code:
        user.preferred_language = code
        User.objects.filter(pk=user.pk, preferred_language="").update(preferred_language=code)
