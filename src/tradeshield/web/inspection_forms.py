"""Web forms for inspections: the buyer's plan, the supplier's request, the fee, scheduling and the report.

They check shape and parse input; `inspections.booking` and `inspections.reports` own the rules.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tradeshield.inspections import sampling
from tradeshield.inspections.models import InspectionLevel
from tradeshield.kit import clock
from tradeshield.web.forms import BootstrapMixin, CardFields

AQL_CHOICES = [("0", _("0 (none accepted)")), *((format(a, "f"), format(a, "f")) for a in sampling.AQL_VALUES)]
CLASS_LABELS = {"critical": _("Critical"), "major": _("Major"), "minor": _("Minor")}


def _aql_field(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=AQL_CHOICES)


class PlanForm(BootstrapMixin, forms.Form):
    level = forms.ChoiceField(label=_("Inspection level"), choices=InspectionLevel.choices)
    aql_critical = _aql_field(_("AQL, critical defects"))
    aql_major = _aql_field(_("AQL, major defects"))
    aql_minor = _aql_field(_("AQL, minor defects"))
    agency_id = forms.ChoiceField(label=_("Inspection agency"), required=False)

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "insp-plan-%s")
        super().__init__(*args, **kwargs)
        self.fields["agency_id"].choices = [("", _("Let the supplier choose")), *agencies]  # type: ignore[attr-defined]


class VisitForm(BootstrapMixin, forms.Form):
    lot_size = forms.IntegerField(
        label=_("Lot size (units)"), min_value=1, max_value=sampling.MAX_LOT_SIZE, widget=forms.NumberInput()
    )
    packed_percent = forms.IntegerField(
        label=_("Packed (%)"),
        min_value=0,
        max_value=100,
        help_text=_("Request the visit once at least 80 per cent of the goods are packed."),
    )
    ready_date = forms.DateField(label=_("Goods ready on"), widget=forms.DateInput(attrs={"type": "date"}))
    site_address = forms.CharField(
        label=_("Inspection site address"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    agency_id = forms.ChoiceField(label=_("Inspection agency"), required=False)

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "insp-visit-%s")
        super().__init__(*args, **kwargs)
        self.fields["agency_id"].choices = [("", _("Choose an accredited agency")), *agencies]  # type: ignore[attr-defined]
        self.fields["ready_date"].widget.attrs["min"] = clock.today().isoformat()


class FeeCardForm(BootstrapMixin, CardFields):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "insp-fee-%s")
        super().__init__(*args, **kwargs)


class WithdrawForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why withdraw? (optional)"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "insp-withdraw-%s")
        super().__init__(*args, **kwargs)


class DecisionForm(BootstrapMixin, forms.Form):
    choice = forms.ChoiceField(choices=[("accept", "accept"), ("rework", "rework"), ("cancel", "cancel")])
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm = forms.BooleanField(
        label=_("I understand the order will be cancelled and everything paid refunded."), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "insp-decide-%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("choice") == "cancel" and not data.get("confirm"):
            self.add_error("confirm", _("Tick the box to confirm the cancellation."))
        return data


class ScheduleForm(BootstrapMixin, forms.Form):
    visit_date = forms.DateField(label=_("Visit date"), widget=forms.DateInput(attrs={"type": "date"}))
    inspector_id = forms.ChoiceField(label=_("Inspector"))

    def __init__(self, *args: Any, inspectors: list[tuple[str, str]], min_date: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "insp-schedule-%s")
        super().__init__(*args, **kwargs)
        self.fields["inspector_id"].choices = [("", _("Choose an inspector")), *inspectors]  # type: ignore[attr-defined]
        self.fields["visit_date"].widget.attrs["min"] = min_date.isoformat()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several photos from one accessible file input; each is checked by the files service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


OVERRIDE_CHOICES = [
    ("", _("Keep the computed verdict")),
    ("pass", _("Override: pass")),
    ("fail", _("Override: fail")),
]


class ReportForm(BootstrapMixin, forms.Form):
    critical_found = forms.IntegerField(label=_("Critical defects found"), min_value=0, initial=0)
    major_found = forms.IntegerField(label=_("Major defects found"), min_value=0, initial=0)
    minor_found = forms.IntegerField(label=_("Minor defects found"), min_value=0, initial=0)
    photos = MultipleImageField(
        label=_("Photos of the goods"),
        help_text=_("JPEG, PNG or WebP, up to 10 MB each. Select several files at once."),
    )
    summary = forms.CharField(label=_("Summary"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    override = forms.ChoiceField(label=_("Verdict"), choices=OVERRIDE_CHOICES, required=False)
    override_reason = forms.CharField(
        label=_("Reason for overriding"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you override the computed verdict."),
    )

    def __init__(self, *args: Any, specs: list[dict[str, Any]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "insp-report-%s")
        super().__init__(*args, **kwargs)
        self.specs = specs
        for spec in specs:
            self.fields[spec["field"]] = forms.CharField(
                label=spec["label"],
                required=False,
                max_length=100,
                widget=forms.TextInput(
                    attrs={"class": "form-control num", "aria-describedby": f"insp-report-{spec['field']}_spec"}
                ),
            )
        for name in ("critical_found", "major_found", "minor_found"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "class": "form-control num"})

    def measurement_fields(self) -> list[tuple[dict[str, Any], Any]]:
        return [(spec, self[spec["field"]]) for spec in self.specs]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("override") and not (data.get("override_reason") or "").strip():
            self.add_error("override_reason", _("Overriding the computed verdict needs a written reason."))
        return data
