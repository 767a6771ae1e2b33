"""Forms of the payouts and saved-card pages. Bank numbers are never echoed back into the page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tradeshield.kit.money import CURRENCY_EXPONENTS, from_major
from tradeshield.web.forms import BootstrapMixin, CardFields, NoEchoInput


class PayoutAccountForm(BootstrapMixin, forms.Form):
    scheme = forms.ChoiceField(
        label=_("Account type"),
        choices=[
            ("iban", _("IBAN (Europe and most other countries)")),
            ("us_aba", _("US account with routing number")),
        ],
    )
    holder_name = forms.CharField(label=_("Account holder"), max_length=140)
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[(c, c) for c in sorted(CURRENCY_EXPONENTS)], initial="USD"
    )
    iban = forms.CharField(
        label=_("IBAN"), max_length=42, required=False, widget=NoEchoInput(attrs={"autocomplete": "off"})
    )
    routing_number = forms.CharField(
        label=_("ABA routing number"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    account_number = forms.CharField(
        label=_("Account number"),
        max_length=20,
        required=False,
        widget=NoEchoInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class VerifyForm(BootstrapMixin, forms.Form):
    first = forms.IntegerField(label=_("First deposit (cents)"), min_value=1, max_value=99)
    second = forms.IntegerField(label=_("Second deposit (cents)"), min_value=1, max_value=99)


class PayoutForm(BootstrapMixin, forms.Form):
    account = forms.ChoiceField(label=_("Pay out to"))
    amount = forms.DecimalField(label=_("Amount"), min_value=0, decimal_places=3, max_digits=18)

    def __init__(self, *args: Any, accounts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accounts = {a.id: a for a in accounts}
        self.fields["account"].choices = [(a.id, f"{a.holder_name} ••••{a.last4} ({a.currency})") for a in accounts]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        account = self.accounts.get(data.get("account", ""))
        if account is not None and data.get("amount") is not None:
            data["amount_minor"] = from_major(data["amount"], account.currency)
        return data


class SavedCardForm(BootstrapMixin, CardFields):
    pass
