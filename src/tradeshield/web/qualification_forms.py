"""Forms for supplier qualification and on-site verification. Shape only: the services own the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tradeshield.suppliers.models import CheckItem, DocumentKind, PhotoKind
from tradeshield.web.forms import BootstrapMixin

DATE = forms.DateInput(attrs={"type": "date"})


class ApplicationForm(BootstrapMixin, forms.Form):
    license_number = forms.CharField(label=_("Business license number"), max_length=60)
    license_country = forms.CharField(label=_("Issuing country (ISO code, e.g. CN)"), min_length=2, max_length=2)
    license_valid_from = forms.DateField(label=_("License valid from"), widget=DATE)
    license_valid_to = forms.DateField(label=_("License valid to"), widget=DATE)
    company_description = forms.CharField(
        label=_("Company and production capability"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    production_license_number = forms.CharField(label=_("Production license number"), required=False, max_length=60)
    production_license_issuer = forms.CharField(label=_("Issued by"), required=False, max_length=120)
    production_license_scope = forms.CharField(label=_("Products covered"), required=False, max_length=300)
    production_license_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE)
    production_license_to = forms.DateField(label=_("Valid to"), required=False, widget=DATE)


class CertificationForm(BootstrapMixin, forms.Form):
    standard = forms.CharField(
        label=_("Standard"), max_length=60, required=False, help_text=_("ISO 9001, ISO 14001, ISO 45001, SA8000, …")
    )
    number = forms.CharField(label=_("Certificate number"), max_length=60, required=False)
    body = forms.CharField(label=_("Certification body"), max_length=120, required=False)
    scope = forms.CharField(label=_("Scope"), max_length=300, required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DATE)

    def filled(self) -> bool:
        return bool(self.is_valid() and any(self.cleaned_data.get(k) for k in ("standard", "number", "body")))


CertificationFormSet = forms.formset_factory(CertificationForm, extra=0, max_num=20)


class DocumentForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    valid_to = forms.DateField(label=_("Expires on (if it does)"), required=False, widget=DATE)
    file = forms.FileField(label=_("File (PDF, JPEG, PNG or WebP, up to 10 MB)"))


class ChecklistForm(BootstrapMixin, forms.Form):
    DECISIONS = [
        ("", _("Save the checklist only")),
        ("approve", _("Approve")),
        ("request_info", _("Ask for more information")),
        ("reject", _("Reject")),
    ]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, required=False, widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("Reasons or what is missing (sent to the supplier)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in CheckItem:
            self.fields[f"ok_{item.value}"] = forms.BooleanField(label=item.label, required=False)
            self.fields[f"note_{item.value}"] = forms.CharField(
                label=_("Note on %(item)s") % {"item": item.label}, required=False, max_length=1000
            )
            self.fields[f"ok_{item.value}"].widget.attrs["class"] = "form-check-input"
            self.fields[f"note_{item.value}"].widget.attrs["class"] = "form-control form-control-sm"

    def items(self) -> dict[str, dict[str, Any]]:
        return {
            item.value: {
                "ok": self.cleaned_data.get(f"ok_{item.value}", False),
                "note": self.cleaned_data.get(f"note_{item.value}", ""),
            }
            for item in CheckItem
        }

    def rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"ok_{item.value}"], self[f"note_{item.value}"]) for item in CheckItem]


class VerificationRequestForm(BootstrapMixin, forms.Form):
    agency = forms.ChoiceField(label=_("Inspection agency"))

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = agencies  # type: ignore[attr-defined]


class AcceptForm(BootstrapMixin, forms.Form):
    planned_date = forms.DateField(label=_("Visit date"), widget=DATE)


class PhotoForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What it shows"), choices=PhotoKind.choices)
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
    file = forms.FileField(label=_("Photo (JPEG, PNG or WebP, up to 10 MB)"))


class VerificationReportForm(BootstrapMixin, forms.Form):
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE)
    factory_address = forms.CharField(label=_("Factory address"), max_length=400)
    latitude = forms.CharField(label=_("Latitude (-90 to 90)"), max_length=20)
    longitude = forms.CharField(label=_("Longitude (-180 to 180)"), max_length=20)
    staff_count = forms.IntegerField(label=_("Staff on site"), min_value=1, max_value=1_000_000)
    annual_capacity = forms.CharField(label=_("Annual capacity"), max_length=200, required=False)
    equipment = forms.CharField(
        label=_("Equipment, one per line: name; quantity; capacity"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    findings = forms.CharField(label=_("Findings"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))
