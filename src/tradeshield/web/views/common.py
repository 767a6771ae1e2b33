"""What every web view shares: the acting user, domain errors as messages, once-only money forms."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from tradeshield.idempotency import services as idempotency
from tradeshield.kit.errors import DomainError, NotFound
from tradeshield.organizations.actors import Actor, actor_for_user

# Never part of a stored request fingerprint: secrets, and fields that change on every render.
UNHASHED_FIELDS = {"csrfmiddlewaretoken", "idempotency_key", "number", "cvc", "account_number", "routing_number"}


def actor_of(request: HttpRequest) -> Actor:
    return actor_for_user(request.user)  # type: ignore[arg-type]


def new_key() -> str:
    """A fresh idempotency key for a money-moving form, generated when the page is rendered."""
    return str(uuid.uuid4())


def not_found_on(error: DomainError) -> None:
    """Another organization's record is simply not there."""
    if isinstance(error, NotFound):
        raise Http404(error.message) from error


def labelled(label: object, problem: object) -> str:
    """A form error in a flash message, after its field's label when it has one ("Amount: …")."""
    if not label:
        return str(problem)
    return _("%(label)s: %(problem)s") % {"label": label, "problem": problem}


def apply_error(form: forms.BaseForm | None, error: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Show a domain error next to the field it names, or at the top of the form."""
    field = (error.field or "").split(".")[-1]
    field = (aliases or {}).get(error.field or "", field)
    if form is not None and field in form.fields:
        form.add_error(field, error.message)
    elif form is not None:
        form.add_error(None, error.message)


@dataclass(frozen=True)
class Outcome:
    """What a money-moving action produced. `done` False means nothing changed (safe to retry)."""

    response: HttpResponse
    done: bool
    location: str = ""


def _fingerprint(request: HttpRequest) -> str:
    items = sorted((k, v) for k in request.POST for v in request.POST.getlist(k) if k not in UNHASHED_FIELDS)
    return idempotency.fingerprint("POST", request.path, urlencode(items).encode())


def _local(request: HttpRequest, url: str, fallback: str) -> str:
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}) else fallback


def run_once(request: HttpRequest, actor: Actor, action: Callable[[], Outcome], *, back: str) -> HttpResponse:
    """Run a money-moving form action at most once per `idempotency_key` the page was rendered with.

    A replay (double click, resubmit after a timeout) redirects to where the first attempt went, with
    an "already done" notice; an attempt still running answers with a notice instead of a second run.
    """
    try:
        claim = idempotency.claim(
            scope=actor.key,
            key=request.POST.get("idempotency_key", ""),
            method="POST",
            path=request.path,
            request_hash=_fingerprint(request),
        )
    except idempotency.RequestInFlight:
        messages.warning(request, _("This is still being processed. Wait a moment, then reload the page."))
        return redirect(back)
    except idempotency.KeyReused:
        messages.error(request, _("This form was already sent with different details. Reload the page and try again."))
        return redirect(back)
    except DomainError:
        messages.error(request, _("This form has expired. Reload the page and try again."))
        return redirect(back)
    if claim.replay:
        messages.info(request, _("Already done: this form was sent before, so nothing was repeated."))
        location = bytes(claim.record.response_body or b"").decode() or back
        return redirect(_local(request, location, back))
    try:
        outcome = action()
    except BaseException:
        idempotency.claim_abandon(claim.record)
        raise
    if outcome.done:
        idempotency.claim_complete(claim.record, 303, (outcome.location or back).encode())
    else:
        idempotency.claim_abandon(claim.record)
    return outcome.response
