"""Serving stored uploads to those who may see them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tradeshield.files import services as files
from tradeshield.files.models import StoredFile
from tradeshield.inspections.models import InspectionReport
from tradeshield.kit.errors import Invalid, NotFound
from tradeshield.messaging.selectors import attachment_visible
from tradeshield.organizations.actors import Actor
from tradeshield.web.views.common import actor_of


def _may_read(actor: Actor, stored: StoredFile) -> bool:
    if actor.is_staff:
        return True
    org = actor.org_id
    if org is None:
        return False
    if stored.organization_id == org or attachment_visible(actor, stored):
        return True
    return InspectionReport.objects.filter(
        Q(inspection__order__buyer_id=org) | Q(inspection__order__supplier_id=org), photos=stored
    ).exists()


@login_required
@require_GET
def stored_file(request: HttpRequest, file_id: str) -> HttpResponse:
    """A stored file for its uploader, the parties of the order it documents, and staff; 404 for anyone else."""
    actor = actor_of(request)
    stored = StoredFile.objects.filter(pk=file_id).first()
    if stored is None or not _may_read(actor, stored):
        raise Http404("No such file.")
    try:
        data = files.file_read(stored)
    except NotFound as error:
        raise Http404(error.message) from error
    except Invalid:
        return HttpResponse(_("This file failed its integrity check."), status=409, content_type="text/plain")
    inline = stored.content_type in files.IMAGE_TYPES
    response = HttpResponse(data, content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = content_disposition_header(not inline, stored.name) or ""
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
