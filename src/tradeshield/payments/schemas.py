from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from tradeshield.kit.schemas import MoneySchema, StrictIn


class CardIn(StrictIn):
    number: str = Field(..., min_length=1, max_length=30)
    exp_month: int = Field(..., ge=1, le=12)
    exp_year: int = Field(..., ge=0, le=9999)
    cvc: str = Field(..., min_length=1, max_length=4)
    holder_name: str = Field("", max_length=200)
    country: str = Field(
        "", max_length=2, description="Card-issuing country (ISO 3166-1 alpha-2); decides the fee region."
    )


class BankAccountIn(StrictIn):
    routing_number: str = Field(..., min_length=1, max_length=9)
    account_number: str = Field(..., min_length=1, max_length=17)
    holder_name: str = Field("", max_length=200)


class PaymentIn(StrictIn):
    method: Literal[
        "card",
        "bank_transfer",
        "echeck",
        "wallet",
        "credit",
        "sepa",
        "boleto",
        "paypal",
        "alipay",
        "apple_pay",
        "google_pay",
    ] = Field(..., description="Only the methods GET /orders/{id}/payment-methods offers are accepted.")
    milestone_id: str | None = Field(None, description="Defaults to the next unpaid milestone.")
    amount: MoneySchema | None = Field(None, description="If given, must equal the milestone's amount and currency.")
    card: CardIn | None = None
    bank_account: BankAccountIn | None = None
    wallet: Literal["paypal", "alipay", "apple_pay", "google_pay"] | None = None
    use_credit: bool = Field(False, description="Apply the buyer's credit (from compensation) first.")
    saved_method_id: str | None = Field(
        None, max_length=40, description="One-click: pay by card with this saved method (method must be card)."
    )
    pay_currency: str | None = Field(
        None,
        min_length=3,
        max_length=3,
        description="Pay in this currency instead of the order's: converted at the rate locked now "
        "(see GET /orders/{id}/payment-methods?currency=).",
    )


class WalletReturnIn(StrictIn):
    approval_token: str = Field(..., min_length=1, max_length=200)


class CardOut(Schema):
    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None
    country: str


class FxRateOut(Schema):
    base: str
    quote: str
    rate: str = Field(..., description="1 unit of base buys this many units of quote (exact decimal).")
    source: str
    as_of: datetime


class PaymentFxOut(Schema):
    rate: FxRateOut
    charged: MoneySchema = Field(..., description="What the method was charged, in the pay currency.")
    refunded: MoneySchema


class PaymentMethodOptionOut(Schema):
    method: str
    label: str
    network: str
    percent: str
    fee: MoneySchema
    total: MoneySchema
    you_pay: MoneySchema
    settlement_business_days: list[int]
    refund_business_days: list[int]
    limit: MoneySchema | None


class PaymentMethodsOut(Schema):
    order_id: str
    country: str
    currency: str
    pay_currency: str
    amount: MoneySchema
    fx: FxRateOut | None
    methods: list[PaymentMethodOptionOut]


class PaymentOut(Schema):
    id: str
    order_id: str
    milestone_id: str
    method: str
    status: str
    amount: MoneySchema
    fee: MoneySchema
    total_charged: MoneySchema
    received: MoneySchema
    released: MoneySchema
    refunded: MoneySchema
    credit_applied: MoneySchema
    credit_returned: MoneySchema
    card: CardOut | None
    wallet: str | None
    bank_instructions: dict[str, str] | None
    redirect_url: str | None
    failure_code: str | None
    fx: PaymentFxOut | None = None
    created_at: datetime
    updated_at: datetime


class TimelineStepOut(Schema):
    kind: str
    amount: MoneySchema | None
    expected_by: date | None
    detail: dict[str, Any]
    created_at: datetime | None = Field(None, description="Null for a step still expected.")


class ExpectedTimesOut(Schema):
    funding_business_days: list[int]
    refund_business_days: list[int]
    payout_business_days: list[int]


class TimelineOut(Schema):
    payment_id: str
    status: str
    method: str
    expected_times: ExpectedTimesOut
    steps: list[TimelineStepOut]


class FeeQuoteOut(Schema):
    method: str
    network: str
    region: str
    percent: str
    fee: MoneySchema
    capped: bool
    amount: MoneySchema
    total: MoneySchema


class BankReceiptIn(StrictIn):
    bank_transaction_id: str = Field(..., min_length=1, max_length=80)
    reference: str = Field(..., min_length=1, max_length=140)
    amount: MoneySchema
    value_date: date
    payer_name: str = Field("", max_length=200)


class BankReceiptOut(Schema):
    bank_transaction_id: str
    status: str
    payment_id: str | None
    applied: MoneySchema
    excess: MoneySchema
    replayed: bool


class StatementImportOut(Schema):
    rows: int
    matched: int
    unmatched: int
    replayed: int
    errors: list[str]


class SavedMethodIn(StrictIn):
    card: CardIn


class SavedMethodOut(Schema):
    id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    expired: bool
    created_at: datetime
