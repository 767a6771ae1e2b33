"""Forms of the tracking page: a shipment (with what it carries), a tracking event, a CSV of events."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tradeshield.web.forms import SHIP_MODES, BootstrapMixin, CsvUploadForm

EVENT_KINDS = [
    ("picked_up", _("Picked up by the carrier")),
    ("departed", _("Departed")),
    ("arrived_at_port", _("Arrived at port")),
    ("customs", _("In customs")),
    ("out_for_delivery", _("Out for delivery")),
    ("delivered", _("Delivered")),
    ("exception", _("Exception (delay, damage, hold)")),
    ("booked", _("Booked with the carrier")),
]
UTC_HELP = _("Time in UTC.")


def _utc(value: datetime | None) -> datetime | None:
    """`datetime-local` inputs carry no zone: the form says they are UTC, so they are."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"step": 60, **(attrs or {})}, format="%Y-%m-%dT%H:%M")


class ShipmentForm(BootstrapMixin, forms.Form):
    mode = forms.ChoiceField(label=_("Mode"), choices=SHIP_MODES)
    carrier = forms.CharField(label=_("Carrier"), max_length=100)
    tracking_number = forms.CharField(label=_("Tracking or bill-of-lading number"), max_length=100)
    origin = forms.CharField(label=_("From (port or place)"), max_length=200, required=False)
    destination = forms.CharField(label=_("To (port or place)"), max_length=200, required=False)
    estimated_arrival = forms.DateTimeField(
        label=_("Estimated arrival"), required=False, widget=DateTimeLocal(), help_text=UTC_HELP
    )

    def __init__(self, *args: Any, remaining: list[dict[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.remaining = remaining or []
        for line in self.remaining:
            name = f"line_{line['position']}"
            self.fields[name] = forms.DecimalField(
                label=_("%(product)s (%(left)s %(unit)s left)")
                % {"product": line["product_name"], "left": line["quantity"], "unit": line["unit"]},
                required=False,
                min_value=Decimal(0),
                max_digits=18,
                decimal_places=3,
                initial=line["quantity"],
                widget=forms.NumberInput(attrs={"step": "any", "class": "form-control text-end num"}),
            )

    def line_fields(self) -> list[Any]:
        return [self[f"line_{line['position']}"] for line in self.remaining]

    def clean_estimated_arrival(self) -> datetime | None:
        return _utc(self.cleaned_data.get("estimated_arrival"))

    def quantities(self) -> list[tuple[int, Decimal]]:
        return [
            (line["position"], self.cleaned_data[f"line_{line['position']}"])
            for line in self.remaining
            if self.cleaned_data.get(f"line_{line['position']}")
        ]


class ShipmentEventForm(BootstrapMixin, forms.Form):
    shipment_id = forms.ChoiceField(label=_("Shipment"))
    kind = forms.ChoiceField(label=_("What happened"), choices=EVENT_KINDS)
    occurred_at = forms.DateTimeField(label=_("When"), widget=DateTimeLocal(), help_text=UTC_HELP)
    location = forms.CharField(label=_("Where"), max_length=200, required=False)
    description = forms.CharField(label=_("Details"), max_length=1000, required=False)
    eta = forms.DateTimeField(
        label=_("New estimated arrival"), required=False, widget=DateTimeLocal(), help_text=UTC_HELP
    )

    def __init__(self, *args: Any, shipments: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shipment_id"].choices = shipments or []  # type: ignore[attr-defined]

    def clean_occurred_at(self) -> datetime | None:
        return _utc(self.cleaned_data.get("occurred_at"))

    def clean_eta(self) -> datetime | None:
        return _utc(self.cleaned_data.get("eta"))


class TrackingImportForm(CsvUploadForm):
    empty_message = _("Paste the events or choose a file.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["rows"] = 5
