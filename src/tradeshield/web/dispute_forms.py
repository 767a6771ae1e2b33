"""Web forms for disputes. They check shape and parse input; `disputes.services` owns the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tradeshield.disputes.models import Reason, Remedy
from tradeshield.web.forms import BootstrapMixin, money_field

EVIDENCE_ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"


def _optional_money(label: Any) -> forms.DecimalField:
    field = money_field(label, required=False)
    field.min_value = None
    return field


class OpenDisputeForm(BootstrapMixin, forms.Form):
    reason = forms.ChoiceField(label=_("What went wrong"), choices=Reason.choices)
    remedy = forms.ChoiceField(label=_("What you ask for"), choices=Remedy.choices)
    amount = _optional_money(_("Refund asked (partial refund only)"))
    description = forms.CharField(
        label=_("Describe the problem"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.FileField(
        label=_("Evidence (photo or PDF, up to 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "dsp-open-%s")
        super().__init__(*args, **kwargs)


class CounterForm(BootstrapMixin, forms.Form):
    amount = money_field(_("Refund to the buyer"))
    text = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class TextForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class EditForm(BootstrapMixin, forms.Form):
    remedy = forms.ChoiceField(label=_("What you ask for"), choices=Remedy.choices)
    amount = _optional_money(_("Refund asked (partial refund only)"))
    description = forms.CharField(
        label=_("Describe the problem"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class EvidenceForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("File (photo or PDF, up to 10 MB)"), widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT})
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class SettlementForm(BootstrapMixin, forms.Form):
    buyer_amount = _optional_money(_("Refund to the buyer"))
    text = forms.CharField(label=_("Terms"), max_length=5000, required=False)


class ReasonsForm(BootstrapMixin, forms.Form):
    reasons = forms.CharField(label=_("Reasons"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceRequestForm(BootstrapMixin, forms.Form):
    side = forms.ChoiceField(label=_("Ask"), choices=[("buyer", _("The buyer")), ("supplier", _("The supplier"))])
    text = forms.CharField(label=_("What is needed"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    due_days = forms.IntegerField(label=_("Days to provide it"), min_value=1, max_value=30, initial=5)


class InspectionOrderForm(BootstrapMixin, forms.Form):
    agency_id = forms.CharField(label=_("Inspection agency ID"), max_length=40)
    scope = forms.CharField(label=_("What to inspect"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(BootstrapMixin, forms.Form):
    buyer_amount = _optional_money(_("Refund to the buyer"))
    supplier_amount = _optional_money(_("Release to the supplier"))
    reasons = forms.CharField(
        label=_("Written reasons"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Both parties read these. At least 20 characters."),
    )
