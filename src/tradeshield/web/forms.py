"""Web forms. They check shape and parse user input (major units, dates); the services own the rules."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from tradeshield.kit import clock
from tradeshield.kit.money import CURRENCY_EXPONENTS, currency_exponent, from_major
from tradeshield.orders.models import Incoterm
from tradeshield.organizations.models import Organization, OrgKind

SHIP_MODES = [
    ("sea", _("Sea freight")),
    ("air", _("Air freight")),
    ("express", _("Express courier")),
    ("rail", _("Rail")),
    ("road", _("Road")),
]
WALLETS = [
    ("paypal", "PayPal"),
    ("alipay", "Alipay"),
    ("apple_pay", "Apple Pay"),
    ("google_pay", "Google Pay"),
    ("sepa", _("SEPA transfer")),
    ("boleto", _("Boleto")),
]


class NoEchoInput(forms.TextInput):
    """A text input that never renders the submitted value back (card numbers, CVCs, account numbers)."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        return super().get_context(name, None, attrs)


class BootstrapMixin:
    """Give every widget its Bootstrap class, and mark fields with errors as invalid after validation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        names = error.error_dict if field is None and hasattr(error, "error_dict") else [field]
        for name in names:
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def money_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0.001"),
        max_digits=18,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "class": "text-end num"}),
        **kwargs,
    )


def to_minor(value: Decimal, currency: str) -> int:
    """Major units typed by a person → minor units, refusing more decimals than the currency has."""
    exponent = currency_exponent(currency)
    if value.as_tuple().exponent < -exponent:  # type: ignore[operator]
        if exponent == 0:
            raise forms.ValidationError(_("%(currency)s has no decimals.") % {"currency": currency})
        raise forms.ValidationError(
            _("%(currency)s has at most %(n)s decimals.") % {"currency": currency, "n": exponent}
        )
    return from_major(value, currency)


class LoginForm(BootstrapMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean(self) -> dict[str, Any]:
        if self.cleaned_data.get("username"):
            self.cleaned_data["username"] = self.cleaned_data["username"].lower()
        return super().clean()


class OrderForm(BootstrapMixin, forms.Form):
    counterparty = forms.ChoiceField(label=_("Buyer"))
    title = forms.CharField(label=_("Title"), max_length=200)
    currency = forms.ChoiceField(label=_("Currency"), choices=[(c, c) for c in sorted(CURRENCY_EXPONENTS)])
    incoterm = forms.ChoiceField(label=_("Incoterm® 2020"), choices=Incoterm.choices, initial=Incoterm.FOB)
    named_place = forms.CharField(
        label=_("Named place"),
        max_length=200,
        help_text=_("The port or address the Incoterm refers to, e.g. “Shenzhen (Yantian)”."),
    )
    schedule = forms.ChoiceField(
        label=_("Shipping deadline"),
        widget=forms.RadioSelect,
        initial="date",
        choices=[("date", _("Ship by a date")), ("lead_time", _("Lead time after payment"))],
    )
    ship_by_date = forms.DateField(
        label=_("Ship-by date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), required=False, min_value=1, max_value=365)
    payment_plan = forms.ChoiceField(
        label=_("Payment plan"),
        widget=forms.RadioSelect,
        initial="full",
        choices=[("full", _("Pay in full before shipment")), ("deposit", _("Deposit now, balance before shipment"))],
    )
    deposit_percent = forms.DecimalField(
        label=_("Deposit (%)"), required=False, min_value=1, max_value=99, decimal_places=2, initial=30
    )
    inspection_required = forms.BooleanField(label=_("Pre-shipment inspection required"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, own_kind: str, default_currency: str = "USD", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        other = OrgKind.BUYER if own_kind == OrgKind.SUPPLIER else OrgKind.SUPPLIER
        field = self.fields["counterparty"]
        field.label = _("Buyer") if other == OrgKind.BUYER else _("Supplier")
        field.choices = [("", _("Choose…"))] + [  # type: ignore[attr-defined]
            (o.id, f"{o.name} ({o.country})") for o in Organization.objects.filter(kind=other).order_by("name")
        ]
        self.fields["currency"].initial = default_currency
        self.fields["ship_by_date"].widget.attrs["min"] = clock.today().isoformat()
        self.fields["ship_by_date"].initial = clock.today() + timedelta(days=30)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("schedule") == "date":
            data["lead_time_days"] = None
            if not data.get("ship_by_date"):
                self.add_error("ship_by_date", _("Give the date the goods must ship by."))
        else:
            data["ship_by_date"] = None
            if not data.get("lead_time_days"):
                self.add_error("lead_time_days", _("Give the lead time in days."))
        if data.get("payment_plan") == "deposit":
            if data.get("deposit_percent") is None:
                self.add_error("deposit_percent", _("Give the deposit as a percentage."))
        else:
            data["deposit_percent"] = None
        return data


class LineForm(BootstrapMixin, forms.Form):
    product_name = forms.CharField(label=_("Product"), max_length=200)
    specifications = forms.CharField(label=_("Specifications"), required=False, max_length=2000)
    quantity = forms.DecimalField(
        label=_("Quantity"),
        min_value=Decimal("0.001"),
        max_digits=16,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"step": "any", "class": "text-end num"}),
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=20, initial="pcs", widget=forms.TextInput(attrs={"data-default": "pcs"})
    )
    unit_price = money_field(_("Unit price"))


LineFormSet = forms.formset_factory(LineForm, extra=4, min_num=1, max_num=5, validate_min=True, validate_max=True)


class ShipForm(BootstrapMixin, forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=100)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100)
    mode = forms.ChoiceField(label=_("Mode"), choices=SHIP_MODES)


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ReceiptForm(BootstrapMixin, forms.Form):
    confirm = forms.BooleanField(label=_("I have received the goods as agreed."), required=True)


class RefundForm(BootstrapMixin, forms.Form):
    amount = money_field(_("Amount to refund"))
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args: Any, currency: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if currency:
            self.fields["amount"].label = _("Amount to refund (%(currency)s)") % {"currency": currency}


class AmendmentForm(BootstrapMixin, forms.Form):
    ship_by_date = forms.DateField(
        label=_("New ship-by date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    incoterm = forms.ChoiceField(
        label=_("New Incoterm"), required=False, choices=[("", _("No change")), *Incoterm.choices]
    )
    named_place = forms.CharField(label=_("New named place"), required=False, max_length=200)
    notes = forms.CharField(label=_("New notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Why"), required=False, max_length=500)

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        changes: dict[str, Any] = {}
        if data.get("ship_by_date"):
            changes["ship_by_date"] = data["ship_by_date"].isoformat()
        for name in ("incoterm", "named_place", "notes"):
            if data.get(name):
                changes[name] = data[name]
        return changes


class PayFormBase(BootstrapMixin, forms.Form):
    milestone_id = forms.CharField(widget=forms.HiddenInput)
    expected_amount = forms.IntegerField(widget=forms.HiddenInput)
    pay_currency = forms.CharField(widget=forms.HiddenInput, required=False, max_length=3)


def _year_choices() -> list[tuple[int | str, Any]]:
    year = clock.today().year
    return [("", _("Year")), *((y, str(y)) for y in range(year, year + 16))]


class CardFields(forms.Form):
    """The card inputs shared by every form that takes a card."""

    number = forms.CharField(
        label=_("Card number"),
        max_length=23,
        widget=NoEchoInput(
            attrs={"autocomplete": "cc-number", "inputmode": "numeric", "placeholder": "4242 4242 4242 4242"}
        ),
    )
    exp_month = forms.TypedChoiceField(
        label=_("Expiry month"),
        coerce=int,
        choices=[("", _("Month")), *((m, f"{m:02d}") for m in range(1, 13))],
        widget=forms.Select(attrs={"autocomplete": "cc-exp-month"}),
    )
    exp_year = forms.TypedChoiceField(
        label=_("Expiry year"),
        coerce=int,
        choices=_year_choices,
        widget=forms.Select(attrs={"autocomplete": "cc-exp-year"}),
    )
    cvc = forms.CharField(
        label=_("Security code (CVC)"),
        max_length=4,
        widget=NoEchoInput(attrs={"autocomplete": "cc-csc", "inputmode": "numeric"}),
    )


class CardForm(PayFormBase, CardFields):
    country = forms.CharField(
        label=_("Card issued in (country code)"),
        min_length=2,
        max_length=2,
        widget=forms.TextInput(attrs={"autocomplete": "billing country"}),
    )

    def clean_country(self) -> str:
        return self.cleaned_data["country"].upper()


class EcheckForm(PayFormBase):
    routing_number = forms.CharField(
        label=_("ABA routing number"), max_length=9, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    account_number = forms.CharField(
        label=_("Account number"),
        max_length=17,
        widget=NoEchoInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class WalletForm(PayFormBase):
    wallet = forms.ChoiceField(label=_("Wallet"), choices=WALLETS, widget=forms.RadioSelect, initial="paypal")


class BankTransferForm(PayFormBase):
    pass


PAY_FORMS: dict[str, type[PayFormBase]] = {
    "card": CardForm,
    "bank_transfer": BankTransferForm,
    "echeck": EcheckForm,
    "wallet": WalletForm,
    "sepa": BankTransferForm,
    "boleto": BankTransferForm,
}


class CsvUploadForm(BootstrapMixin, forms.Form):
    """CSV pasted or uploaded (UTF-8); `text` holds it either way after cleaning."""

    empty_message: Any  # what to say when neither is given; each form sets its own
    text = forms.CharField(
        label=_("Paste CSV"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace", "spellcheck": "false"}),
    )
    file = forms.FileField(label=_("…or upload a CSV file"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload:
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", _("The file must be UTF-8 CSV."))
        elif not (data.get("text") or "").strip():
            raise forms.ValidationError(self.empty_message)
        return data


class StatementForm(CsvUploadForm):
    empty_message = _("Paste the statement or choose a file.")


class ApiKeyForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label=_("Key name"), max_length=100, help_text=_("Where the key is used, e.g. “ERP integration”.")
    )
