"""Supplier qualification pages: the supplier's Qualification page, the reviewer queue and review page,
the agency's verification page, and downloads of documents and visit photos for those who may see them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tradeshield.files import services as files
from tradeshield.kit.errors import DomainError, Invalid, NotFound
from tradeshield.organizations.models import Organization, OrgKind
from tradeshield.suppliers import services, verification
from tradeshield.suppliers.models import (
    EDITABLE_STATUSES,
    ApplicationStatus,
    DocumentKind,
    PhotoKind,
    VerificationStatus,
)
from tradeshield.suppliers.render import render_application, render_trust, render_verification
from tradeshield.suppliers.selectors import (
    application_get,
    current_application,
    document_get,
    open_application,
    photo_get,
    review_queue,
    supplier_trust_facts,
    verification_get,
    visible_verifications,
)
from tradeshield.web import qualification_forms as qforms
from tradeshield.web.views.common import actor_of, apply_error, not_found_on

STATUS_TONES = {
    "draft": "secondary",
    "submitted": "info",
    "info_requested": "warning",
    "approved": "success",
    "rejected": "danger",
    "superseded": "secondary",
    "qualified": "success",
    "suspended": "danger",
    "pending": "info",
    "none": "secondary",
}


def labels() -> dict[str, Any]:
    """Readable, translated names for the status and kind codes the templates show."""
    return {
        **dict(ApplicationStatus.choices),
        **dict(VerificationStatus.choices),
        **dict(DocumentKind.choices),
        **dict(PhotoKind.choices),
    }


def trust_context(org: Organization) -> dict[str, Any]:
    """What `web/suppliers/_trust.html` needs; other pages (the supplier directory) include it with this."""
    return render_trust(org, supplier_trust_facts([org.pk])[org.pk])


def _application_input(form: qforms.ApplicationForm, certs: Any) -> services.ApplicationInput:
    data = form.cleaned_data
    licenses = []
    if data.get("production_license_number"):
        licenses.append(
            services.LicenseInput(
                number=data["production_license_number"],
                issued_by=data.get("production_license_issuer") or "",
                scope=data.get("production_license_scope") or "",
                valid_from=data.get("production_license_from") or data["license_valid_from"],
                valid_to=data.get("production_license_to") or data["license_valid_to"],
            )
        )
    certifications = [
        services.CertificationInput(
            standard=c.cleaned_data["standard"],
            number=c.cleaned_data["number"],
            body=c.cleaned_data["body"],
            scope=c.cleaned_data.get("scope") or "",
            valid_from=c.cleaned_data.get("valid_from") or data["license_valid_from"],
            valid_to=c.cleaned_data.get("valid_to") or data["license_valid_from"],
        )
        for c in certs
        if c.filled()
    ]
    return services.ApplicationInput(
        license_number=data["license_number"],
        license_country=data["license_country"].upper(),
        license_valid_from=data["license_valid_from"],
        license_valid_to=data["license_valid_to"],
        company_description=data.get("company_description") or "",
        production_licenses=licenses,
        certifications=certifications,
    )


def _initial(app: dict[str, Any] | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if app is None:
        return {}, [{}]
    lic = app["production_licenses"][0] if app["production_licenses"] else {}
    initial = {
        "license_number": app["license_number"],
        "license_country": app["license_country"],
        "license_valid_from": app["license_valid_from"],
        "license_valid_to": app["license_valid_to"],
        "company_description": app["company_description"],
        "production_license_number": lic.get("number", ""),
        "production_license_issuer": lic.get("issued_by", ""),
        "production_license_scope": lic.get("scope", ""),
        "production_license_from": lic.get("valid_from"),
        "production_license_to": lic.get("valid_to"),
    }
    certs = [
        {k: c[k] for k in ("standard", "number", "body", "scope", "valid_from", "valid_to")}
        for c in app["certifications"]
    ]
    return initial, [*certs, {}]


@login_required
@require_http_methods(["GET", "POST"])
def qualification(request: HttpRequest) -> HttpResponse:
    """The supplier's page: status, the application form, documents, the reviewer's requests, visits."""
    actor = actor_of(request)
    if not actor.is_supplier_org or actor.organization is None:
        raise PermissionDenied(_("Only suppliers file qualification applications."))
    org = actor.organization
    current = open_application(org.pk)
    app = render_application(current) if current else None
    editable = current is None or current.status in EDITABLE_STATUSES
    initial, cert_initial = _initial(app)
    form = qforms.ApplicationForm(request.POST or None, initial=initial, prefix="app")
    certs = qforms.CertificationFormSet(request.POST or None, initial=cert_initial, prefix="cert")
    if request.method == "POST" and request.POST.get("action") == "save":
        if not editable:
            raise PermissionDenied(_("This application is with the reviewer."))
        if form.is_valid() and certs.is_valid():
            try:
                data = _application_input(form, certs)
                if current is None:
                    services.application_create(actor=actor, data=data)
                else:
                    services.application_update(actor=actor, application_id=current.pk, data=data)
            except DomainError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("Application saved. Upload documents, then submit it for review."))
                return redirect("web:qualification")
    approved = current_application(org.pk)
    agencies = [(a.pk, a.name) for a in Organization.objects.filter(kind=OrgKind.INSPECTION_AGENCY).order_by("name")]
    return render(
        request,
        "web/suppliers/qualification.html",
        {
            "app": app,
            "editable": editable,
            "form": form,
            "certs": certs,
            "document_form": qforms.DocumentForm(prefix="doc"),
            "approved": render_application(approved) if approved else None,
            "trust": trust_context(org),
            "tones": STATUS_TONES,
            "labels": labels(),
            "visits": [render_verification(v) for v in visible_verifications(actor).filter(supplier=org)[:10]],
            "visit_form": qforms.VerificationRequestForm(agencies=agencies) if agencies else None,
        },
    )


def _visible(actor: Any, application_id: str) -> None:
    """Another organization's application is not there (404) before anything else is looked at."""
    try:
        application_get(actor, application_id)
    except NotFound as error:
        raise Http404(error.message) from error


@login_required
@require_POST
def qualification_document(request: HttpRequest, application_id: str) -> HttpResponse:
    actor = actor_of(request)
    _visible(actor, application_id)
    form = qforms.DocumentForm(request.POST, request.FILES, prefix="doc")
    if not form.is_valid():
        messages.error(request, _("Choose a file and a document kind."))
        return redirect("web:qualification")
    upload = form.cleaned_data["file"]
    try:
        services.document_add(
            actor=actor,
            application_id=application_id,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data.get("title") or "",
            valid_to=form.cleaned_data.get("valid_to"),
            data=upload.read(files.MAX_BYTES + 1),
            name=upload.name or "",
        )
    except DomainError as error:
        not_found_on(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("Document uploaded."))
    return redirect("web:qualification")


@login_required
@require_POST
def qualification_submit(request: HttpRequest, application_id: str) -> HttpResponse:
    _visible(actor_of(request), application_id)
    try:
        services.application_submit(actor=actor_of(request), application_id=application_id)
    except DomainError as error:
        not_found_on(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("Submitted. A reviewer will look at it shortly."))
    return redirect("web:qualification")


@login_required
@require_POST
def verification_new(request: HttpRequest) -> HttpResponse:
    try:
        verification.verification_request(actor=actor_of(request), agency_id=request.POST.get("agency", ""))
    except DomainError as error:
        not_found_on(error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("The agency has been asked for an on-site verification visit."))
    return redirect("web:qualification")


def _require_reviewer(request: HttpRequest) -> Any:
    actor = actor_of(request)
    try:
        services.require_reviewer(actor)
    except DomainError as error:
        raise PermissionDenied(error.message) from error
    return actor


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    rows = [render_application(a) for a in review_queue()[:100]]
    return render(request, "web/suppliers/review_queue.html", {"rows": rows, "tones": STATUS_TONES, "labels": labels()})


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, application_id: str) -> HttpResponse:
    actor = _require_reviewer(request)
    try:
        application = application_get(actor, application_id)
    except NotFound as error:
        raise Http404(error.message) from error
    app = render_application(application)
    initial: dict[str, Any] = {}
    for row in app["checklist"]:
        initial[f"ok_{row['item']}"] = row["ok"]
        initial[f"note_{row['item']}"] = row["note"]
    form = qforms.ChecklistForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data.get("decision") or ""
        try:
            if decision:
                services.application_decide(
                    actor=actor,
                    application_id=application_id,
                    decision=decision,
                    reasons=form.cleaned_data.get("reasons") or "",
                    checklist=form.items(),
                )
            else:
                services.checklist_update(actor=actor, application_id=application_id, items=form.items())
        except DomainError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Decision recorded.") if decision else _("Checklist saved."))
            return redirect("web:review_queue") if decision else redirect("web:review_detail", application_id)
    return render(
        request,
        "web/suppliers/review_detail.html",
        {
            "app": app,
            "form": form,
            "tones": STATUS_TONES,
            "labels": labels(),
            "trust": trust_context(application.supplier),
            "reviewable": app["status"] == "submitted",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def verification_detail(request: HttpRequest, verification_id: str) -> HttpResponse:
    """Everyone who may see the visit reads it here; the agency accepts it, adds photos and files the report."""
    actor = actor_of(request)
    try:
        visit = verification_get(actor, verification_id)
    except NotFound as error:
        raise Http404(error.message) from error
    is_agency = actor.org_id == visit.agency_id
    accept_form = qforms.AcceptForm(prefix="accept")
    photo_form = qforms.PhotoForm(prefix="photo")
    report_form = qforms.VerificationReportForm(prefix="report")
    if request.method == "POST":
        if not is_agency:
            raise PermissionDenied(_("Only the agency acts on this visit."))
        action = request.POST.get("action")
        try:
            if action == "accept":
                accept_form = qforms.AcceptForm(request.POST, prefix="accept")
                if accept_form.is_valid():
                    verification.verification_accept(
                        actor=actor, verification_id=visit.pk, planned_date=accept_form.cleaned_data["planned_date"]
                    )
                    return redirect("web:verification_detail", visit.pk)
            elif action == "photo":
                photo_form = qforms.PhotoForm(request.POST, request.FILES, prefix="photo")
                if photo_form.is_valid():
                    upload = photo_form.cleaned_data["file"]
                    verification.photo_add(
                        actor=actor,
                        verification_id=visit.pk,
                        kind=photo_form.cleaned_data["kind"],
                        caption=photo_form.cleaned_data.get("caption") or "",
                        data=upload.read(files.MAX_BYTES + 1),
                        name=upload.name or "",
                    )
                    messages.success(request, _("Photo added."))
                    return redirect("web:verification_detail", visit.pk)
            elif action == "report":
                report_form = qforms.VerificationReportForm(request.POST, prefix="report")
                if report_form.is_valid():
                    data = report_form.cleaned_data
                    equipment = []
                    for number, line in enumerate((data.get("equipment") or "").splitlines(), start=1):
                        if not line.strip():
                            continue
                        parts = [p.strip() for p in line.split(";")]
                        try:
                            quantity = int(parts[1]) if len(parts) > 1 and parts[1] else 1
                        except ValueError as error:
                            raise Invalid(
                                _("Line %(n)s: the quantity is not a whole number.") % {"n": number}, field="equipment"
                            ) from error
                        equipment.append(
                            verification.EquipmentInput(
                                name=parts[0], quantity=quantity, capacity=parts[2] if len(parts) > 2 else ""
                            )
                        )
                    verification.verification_report(
                        actor=actor,
                        verification_id=visit.pk,
                        report=verification.ReportInput(
                            visited_on=data["visited_on"],
                            factory_address=data["factory_address"],
                            latitude=data["latitude"],
                            longitude=data["longitude"],
                            staff_count=data["staff_count"],
                            annual_capacity=data.get("annual_capacity") or "",
                            findings=data["findings"],
                            equipment=equipment,
                        ),
                    )
                    messages.success(request, _("Report filed: the supplier is verified."))
                    return redirect("web:verification_detail", visit.pk)
        except DomainError as error:
            not_found_on(error)
            form = {"accept": accept_form, "photo": photo_form, "report": report_form}.get(action or "")
            if form is not None:
                apply_error(form, error)
            else:
                messages.error(request, error.message)
    return render(
        request,
        "web/suppliers/verification.html",
        {
            "visit": render_verification(visit),
            "is_agency": is_agency,
            "accept_form": accept_form,
            "photo_form": photo_form,
            "report_form": report_form,
            "labels": labels(),
            "open": visit.status == VerificationStatus.ACCEPTED,
            "requested": visit.status == VerificationStatus.REQUESTED,
        },
    )


@login_required
@require_GET
def verification_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows = [render_verification(v) for v in visible_verifications(actor)[:100]]
    return render(request, "web/suppliers/verification_list.html", {"rows": rows, "labels": labels()})


def _serve(stored: Any) -> HttpResponse:
    try:
        data = files.file_read(stored)
    except NotFound as error:
        raise Http404(error.message) from error
    except Invalid:
        return HttpResponse(_("This file failed its integrity check."), status=409, content_type="text/plain")
    response = HttpResponse(data, content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = content_disposition_header(False, stored.name) or ""
    return response


@login_required
@require_GET
def document_download(request: HttpRequest, document_id: str) -> HttpResponse:
    try:
        document = document_get(actor_of(request), document_id)
    except NotFound as error:
        raise Http404(error.message) from error
    return _serve(document.file)


@login_required
@require_GET
def photo_download(request: HttpRequest, verification_id: str, photo_id: int) -> HttpResponse:
    try:
        photo = photo_get(actor_of(request), verification_id, photo_id)
    except NotFound as error:
        raise Http404(error.message) from error
    return _serve(photo.file)
