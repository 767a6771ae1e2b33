"""The default payment-method offers (issue 7, item 6): which methods are offered where, and what they
cost and take. Data, not code: operators edit the rows; this migration only seeds them.

Fees: card 2.99 % (the card network/region schedule in payment_fee_rule still applies: Mastercard in
Asia-Pacific capped at USD 40), T/T free, e-Check USD 15, SEPA EUR 0.35, Boleto BRL 3.45, wallets 2.99 %.
Times in business days (DESIGN.md: card refunds 12, T/T 3-7, e-Check 3-4).
"""

from decimal import Decimal

from django.db import migrations

EURO_AREA = [
    "AT", "BE", "BG", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PT", "SI", "SK",
]  # fmt: skip
# Markets where PayPal lets businesses pay (not mainland China: Alipay is offered there).
PAYPAL_COUNTRIES = sorted(
    {*EURO_AREA, "US", "CA", "MX", "BR", "AR", "CL", "CO", "PE", "GB", "CH", "NO", "SE", "DK", "PL", "CZ", "HU",
     "RO", "IS", "AU", "NZ", "JP", "KR", "HK", "TW", "SG", "MY", "TH", "PH", "ID", "VN", "IN", "IL", "AE",
     "SA", "QA", "KW", "BH", "OM", "JO", "EG", "MA", "ZA", "KE", "NG", "TR"}
)  # fmt: skip
PAYPAL_CURRENCIES = [
    "AUD", "BRL", "CAD", "CHF", "CZK", "DKK", "EUR", "GBP", "HKD", "HUF", "ILS", "JPY",
    "MXN", "MYR", "NOK", "NZD", "PHP", "PLN", "SEK", "SGD", "THB", "TWD", "USD",
]  # fmt: skip

OFFERS = [
    dict(method="card", fee_percent=Decimal("2.99"), refund_days_min=12, refund_days_max=12),
    dict(method="bank_transfer", settlement_days_min=3, settlement_days_max=7, refund_days_min=3, refund_days_max=7),
    dict(
        method="echeck",
        countries=["US"],
        currencies=["USD"],
        fee_fixed=1500,
        fee_fixed_currency="USD",
        settlement_days_min=3,
        settlement_days_max=4,
        refund_days_min=3,
        refund_days_max=4,
    ),
    dict(
        method="sepa",
        countries=EURO_AREA,
        currencies=["EUR"],
        fee_fixed=35,
        fee_fixed_currency="EUR",
        settlement_days_min=1,
        settlement_days_max=2,
        refund_days_min=1,
        refund_days_max=2,
    ),
    dict(
        method="boleto",
        countries=["BR"],
        currencies=["BRL"],
        fee_fixed=345,
        fee_fixed_currency="BRL",
        settlement_days_min=1,
        settlement_days_max=3,
        refund_days_min=3,
        refund_days_max=5,
    ),
    dict(
        method="alipay",
        countries=["CN"],
        currencies=["CNY"],
        fee_percent=Decimal("2.99"),
        refund_days_min=1,
        refund_days_max=3,
    ),
    dict(
        method="paypal",
        countries=PAYPAL_COUNTRIES,
        currencies=PAYPAL_CURRENCIES,
        fee_percent=Decimal("2.99"),
        refund_days_min=1,
        refund_days_max=3,
    ),
    dict(
        method="apple_pay",
        fee_percent=Decimal("2.99"),
        refund_days_min=5,
        refund_days_max=12,
        limit_amount=1_000_000,
        limit_currency="USD",
    ),
    dict(
        method="google_pay",
        fee_percent=Decimal("2.99"),
        refund_days_min=5,
        refund_days_max=12,
        limit_amount=1_000_000,
        limit_currency="USD",
    ),
]


def forwards(apps, schema_editor):
    Offer = apps.get_model("payments", "PaymentMethodOffer")
    for position, offer in enumerate(OFFERS):
        Offer.objects.update_or_create(method=offer["method"], defaults={**offer, "position": position})


class Migration(migrations.Migration):
    dependencies = [("payments", "0005_method_offers_and_fx")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
