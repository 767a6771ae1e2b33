"""Back-office pages for platform staff."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tradeshield.kit.errors import DomainError
from tradeshield.orders.bank import STATEMENT_COLUMNS, statement_import
from tradeshield.web.forms import StatementForm
from tradeshield.web.views.common import actor_of

FINANCE_ROLES = ("admin", "support_agent")


@login_required
@require_http_methods(["GET", "POST"])
def bank_import(request: HttpRequest) -> HttpResponse:
    """Apply a CSV bank statement: each row is matched to a T/T payment by its reference."""
    if actor_of(request).staff_role not in FINANCE_ROLES:
        raise PermissionDenied(_("Only platform admins and support agents import bank statements."))
    result: dict[str, Any] | None = None
    form = StatementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = statement_import(form.cleaned_data["text"])
        except DomainError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "web/staff/bank_import.html",
        {
            "form": form,
            "result": result,
            "columns": STATEMENT_COLUMNS,
        },
    )
