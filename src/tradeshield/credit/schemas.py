"""API shapes for the supplier directory and credit ratings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from tradeshield.kit.schemas import MoneySchema, StrictIn


class DirectoryEntryOut(Schema):
    id: str
    name: str
    country: str
    categories: list[str]
    main_products: str
    score: int = Field(..., description="Credit score, 0 to 100.")
    grade: str = Field(..., description="AAA, AA, A, BBB, BB, B or C.")
    review_average: str | None = Field(None, description="Bayesian average of reviews (1 to 5), decimal string.")
    review_count: int
    response_rate: str | None = Field(None, description="Inquiries answered within 24 h ÷ received, last 30 days.")
    verified: bool = Field(..., description="An on-site verification less than 12 months old.")
    verified_until: date | None
    certifications: list[str] = Field(..., description="Valid certifications of the approved qualification.")
    inspected_pass_rate: str | None = Field(None, description="First pre-shipment inspections passed ÷ filed.")
    inspected_orders: int
    member_since: datetime


class FactorOut(Schema):
    key: str
    label: str
    available: bool = Field(..., description="False while the records this factor needs do not exist yet.")
    weight: int = Field(..., description="Nominal weight out of 100.")
    share: str = Field(..., description="Weight after scaling over the available factors (decimal string).")
    points: str = Field(..., description="This factor's contribution to the score (decimal string).")
    raw: dict[str, Any] | None = Field(None, description="The measured values behind the points.")


class GradeBandOut(Schema):
    grade: str
    min_score: int


class RatingOut(Schema):
    supplier_id: str
    score: int
    grade: str
    computed_at: datetime
    coverage_limit: MoneySchema
    factors: list[FactorOut]
    grade_bands: list[GradeBandOut]


class RatingPointOut(Schema):
    score: int
    grade: str
    computed_at: datetime


class RatingHistoryOut(Schema):
    data: list[RatingPointOut]


class CategoryOut(Schema):
    key: str
    label: str


class SupplierCardOut(Schema):
    id: str
    name: str
    country: str
    description: str
    categories: list[CategoryOut]
    main_products: str
    member_since: datetime
    rating: RatingOut | None
    review_average: str | None
    review_count: int
    response_rate: str | None
    inspected_pass_rate: str | None
    inspected_orders: int
    verified_until: date | None
    certifications: list[str]


class ProfileIn(StrictIn):
    description: str = Field("", max_length=4000)
    categories: list[str] = Field(default_factory=list, max_length=5)
    main_products: str = Field("", max_length=500)


class ProfileOut(Schema):
    supplier_id: str
    description: str
    categories: list[str]
    main_products: str
    updated_at: datetime
