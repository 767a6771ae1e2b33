"""Re-authentication ("sudo mode") for sensitive actions: the password entered within the last
`TRADESHIELD_REAUTH_MINUTES`.

The web session records when the password was last entered (at sign-in and on the confirm-password
page). API callers send the password in the `X-TradeShield-Password` header of the sensitive request
itself; a wrong one counts as a failed sign-in. API keys have no password and cannot do these actions.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tradeshield.kit import clock
from tradeshield.security import throttle
from tradeshield.security.errors import ReauthRequired

SESSION_KEY = "tradeshield_reauth_at"
HEADER = "X-TradeShield-Password"


def mark_password_entered(request: HttpRequest) -> None:
    if hasattr(request, "session"):
        request.session[SESSION_KEY] = clock.real_now().timestamp()


def recently_authenticated(request: HttpRequest) -> bool:
    stamp = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not isinstance(stamp, int | float):
        return False
    age = clock.real_now().timestamp() - stamp
    return 0 <= age <= settings.TRADESHIELD_REAUTH_MINUTES * 60


def require_recent_auth(request: HttpRequest, user: Any | None, *, via: str) -> None:
    """Raise ReauthRequired unless the acting user proved their password just now or recently."""
    if user is None:
        raise ReauthRequired(
            _(
                "API keys cannot perform this action; use a personal token and send your password in the "
                "%(header)s header."
            )
            % {"header": HEADER},
        )
    if via == "session" and recently_authenticated(request):
        return
    password = request.headers.get(HEADER)
    if password:
        ip = throttle.client_ip(request.META)  # type: ignore[arg-type]
        throttle.login_check(email=user.email, ip=ip)
        if user.check_password(password):
            throttle.login_succeeded(email=user.email)
            if via == "session":
                mark_password_entered(request)
            return
        throttle.login_failed(email=user.email, ip=ip)
        raise ReauthRequired(_("The password is wrong."), code="reauth_failed")
    minutes = settings.TRADESHIELD_REAUTH_MINUTES
    raise ReauthRequired(
        ngettext(
            "Confirm your password first (within the last %(minutes)s minute).",
            "Confirm your password first (within the last %(minutes)s minutes).",
            minutes,
        )
        % {"minutes": minutes}
    )
