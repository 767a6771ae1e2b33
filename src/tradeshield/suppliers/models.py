"""Supplier trust records: qualification applications and their review, on-site verification visits.

The tables are deliberately plain (one row per license, certification, document, visit) because the
credit rating reads them in SQL; docs/domains/suppliers.md describes each column that matters.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tradeshield.files.models import StoredFile
from tradeshield.kit import clock
from tradeshield.kit.ids import new_id
from tradeshield.organizations.models import Organization


def _application_id() -> str:
    return new_id("sqa")


def _certification_id() -> str:
    return new_id("cert")


def _license_id() -> str:
    return new_id("plic")


def _document_id() -> str:
    return new_id("sdoc")


def _verification_id() -> str:
    return new_id("sver")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    INFO_REQUESTED = "info_requested", _("More information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Superseded by a newer approval")


OPEN_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.INFO_REQUESTED)
EDITABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.INFO_REQUESTED)


class CheckItem(models.TextChoices):
    LICENSE = "license", _("Business license")
    PRODUCTION = "production_capability", _("Production capability")
    QUALITY = "quality_system", _("Quality system")
    ENVIRONMENTAL = "environmental", _("Environmental")
    SOCIAL = "social_responsibility", _("Social responsibility")
    IP = "intellectual_property", _("Intellectual property")


class SupplierApplication(models.Model):
    """One qualification application. At most one is open per supplier and at most one is approved
    (the effective one); approving a newer application marks the previous approval superseded."""

    id = models.CharField(primary_key=True, max_length=40, default=_application_id, editable=False)
    supplier = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="qualification_applications")
    status = models.CharField(max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT)
    license_number = models.CharField(max_length=60)
    license_country = models.CharField(max_length=2)  # ISO 3166-1 alpha-2
    license_valid_from = models.DateField()
    license_valid_to = models.DateField()
    company_description = models.TextField(blank=True, default="")
    # Reviewer's checklist: {"license": {"ok": true, "note": "..."}, ...} (keys from CheckItem).
    checklist = models.JSONField(default=dict, blank=True)
    decision_reasons = models.TextField(blank=True, default="")  # the last rejection or information request
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "supplier_application"
        constraints = [
            models.CheckConstraint(
                condition=Q(license_valid_to__gte=F("license_valid_from")), name="supplier_license_dates_ordered"
            ),
            models.UniqueConstraint(
                fields=["supplier"],
                condition=Q(status__in=["draft", "submitted", "info_requested"]),
                name="supplier_one_open_application",
            ),
            models.UniqueConstraint(
                fields=["supplier"], condition=Q(status="approved"), name="supplier_one_approved_application"
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="supplier_application_queue")]


class ProductionLicense(models.Model):
    """A production (manufacturing) license, e.g. China's 工业产品生产许可证, for a product scope."""

    id = models.CharField(primary_key=True, max_length=40, default=_license_id, editable=False)
    application = models.ForeignKey(SupplierApplication, on_delete=models.CASCADE, related_name="production_licenses")
    supplier = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(max_length=60)
    issued_by = models.CharField(max_length=120)
    scope = models.CharField(max_length=300, blank=True, default="")
    valid_from = models.DateField()
    valid_to = models.DateField()

    class Meta:
        db_table = "supplier_production_license"
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="production_license_dates_ordered")
        ]


class Certification(models.Model):
    """A management-system or product certification (ISO 9001, ISO 14001, ISO 45001, SA8000, …)."""

    id = models.CharField(primary_key=True, max_length=40, default=_certification_id, editable=False)
    application = models.ForeignKey(SupplierApplication, on_delete=models.CASCADE, related_name="certifications")
    supplier = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="certifications")
    standard = models.CharField(max_length=60)  # "ISO 9001"
    number = models.CharField(max_length=60)
    body = models.CharField(max_length=120)  # the certification body, e.g. "SGS"
    scope = models.CharField(max_length=300, blank=True, default="")
    valid_from = models.DateField()
    valid_to = models.DateField()

    class Meta:
        db_table = "supplier_certification"
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="certification_dates_ordered")
        ]
        indexes = [models.Index(fields=["supplier", "valid_to"], name="certification_supplier_valid")]


class DocumentKind(models.TextChoices):
    BUSINESS_LICENSE = "business_license", _("Business license")
    PRODUCTION_LICENSE = "production_license", _("Production license")
    CERTIFICATE = "certificate", _("Certificate")
    OTHER = "other", _("Other")


class SupplierDocument(models.Model):
    """An uploaded scan attached to an application (the bytes are a content-addressed `StoredFile`)."""

    id = models.CharField(primary_key=True, max_length=40, default=_document_id, editable=False)
    application = models.ForeignKey(SupplierApplication, on_delete=models.CASCADE, related_name="documents")
    supplier = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    title = models.CharField(max_length=200, blank=True, default="")
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    valid_to = models.DateField(null=True, blank=True)  # when the document itself expires, if it does
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "supplier_document"


class SupplierEvent(models.Model):
    """The audit log of qualification and verification: who did what, when, and why. Append-only.

    It is also the notifications outbox: the relay job for each row is deferred in its transaction."""

    application = models.ForeignKey(
        SupplierApplication, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    supplier = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)  # "application.approved", "qualification.suspended", …
    actor = models.CharField(max_length=200)  # the acting person's email, an API key, or "system"
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reasons = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    relayed_at = models.DateTimeField(null=True, blank=True)  # set once by the notifications relay

    class Meta:
        db_table = "supplier_event"
        indexes = [models.Index(fields=["supplier", "-id"], name="supplier_event_by_supplier")]


class ExpiryNotice(models.Model):
    """One notice per expiring item and threshold (30 days, 7 days, expired): the sweep's exactly-once key."""

    supplier = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    item_kind = models.CharField(max_length=30)  # business_license, production_license, certification, document
    item_id = models.CharField(max_length=40)
    valid_to = models.DateField()
    threshold_days = models.IntegerField()  # 30, 7, or 0 (expired)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "supplier_expiry_notice"
        constraints = [
            models.UniqueConstraint(
                fields=["item_kind", "item_id", "valid_to", "threshold_days"], name="expiry_notice_once"
            )
        ]


class VerificationStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted by the agency")
    REPORTED = "reported", _("Report filed")
    DECLINED = "declined", _("Declined by the agency")


class Verification(models.Model):
    """An on-site verification visit by an inspection agency, and its report."""

    id = models.CharField(primary_key=True, max_length=40, default=_verification_id, editable=False)
    supplier = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="verifications")
    agency = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="verification_visits")
    status = models.CharField(max_length=20, choices=VerificationStatus.choices, default=VerificationStatus.REQUESTED)
    requested_by = models.CharField(max_length=200)
    planned_date = models.DateField(null=True, blank=True)
    visited_on = models.DateField(null=True, blank=True)
    factory_address = models.CharField(max_length=400, blank=True, default="")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    staff_count = models.PositiveIntegerField(null=True, blank=True)
    annual_capacity = models.CharField(max_length=200, blank=True, default="")  # "1,200,000 pcs LED panels"
    findings = models.TextField(blank=True, default="")
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "supplier_verification"
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90), name="verification_lat"
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="verification_lon",
            ),
            models.CheckConstraint(
                condition=~Q(status="reported") | Q(visited_on__isnull=False, latitude__isnull=False),
                name="verification_report_complete",
            ),
        ]
        indexes = [models.Index(fields=["supplier", "visited_on"], name="verification_supplier_visit")]


class Equipment(models.Model):
    verification = models.ForeignKey(Verification, on_delete=models.CASCADE, related_name="equipment")
    name = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    capacity = models.CharField(max_length=200, blank=True, default="")  # "800 pcs/hour"

    class Meta:
        db_table = "supplier_verification_equipment"
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="equipment_quantity_positive")]


class PhotoKind(models.TextChoices):
    FACTORY = "factory", _("Factory")
    PRODUCTION_LINE = "production_line", _("Production line")
    EQUIPMENT = "equipment", _("Equipment")


class VerificationPhoto(models.Model):
    verification = models.ForeignKey(Verification, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=20, choices=PhotoKind.choices)
    caption = models.CharField(max_length=200, blank=True, default="")
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "supplier_verification_photo"
