"""Supplier credit: the directory profile, each rating refresh (history) and the current standing.

The rating itself is computed in SQL (`rating.py`); these tables only hold its results.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tradeshield.kit import clock
from tradeshield.organizations.models import Organization


class Category(models.TextChoices):
    """What a supplier makes, for the directory's category filter (a short, fixed list)."""

    ELECTRONICS = "electronics", _("Consumer electronics")
    LIGHTING = "lighting", _("Lighting")
    MACHINERY = "machinery", _("Machinery")
    APPAREL = "apparel", _("Apparel and textiles")
    HOME = "home", _("Home and garden")
    PACKAGING = "packaging", _("Packaging and printing")
    CHEMICALS = "chemicals", _("Chemicals")
    AUTO_PARTS = "auto_parts", _("Auto parts")
    FURNITURE = "furniture", _("Furniture")
    TOOLS = "tools", _("Tools and hardware")


class Grade(models.TextChoices):
    """Grade bands over the 0 to 100 score (see docs/domains/credit.md)."""

    AAA = "AAA", "AAA"
    AA = "AA", "AA"
    A = "A", "A"
    BBB = "BBB", "BBB"
    BB = "BB", "BB"
    B = "B", "B"
    C = "C", "C"


class SupplierProfile(models.Model):
    """What a supplier tells buyers about itself in the directory. Written only by the supplier."""

    organization = models.OneToOneField(
        Organization, primary_key=True, on_delete=models.CASCADE, related_name="supplier_profile"
    )
    description = models.TextField(blank=True, default="")
    categories = ArrayField(models.CharField(max_length=20, choices=Category.choices), default=list, blank=True)
    main_products = models.CharField(max_length=500, blank=True, default="")
    # Lower-cased name, products and description: what a keyword search matches. Full-text index
    # `credit_profile_search_fts` on to_tsvector('simple', search_text) (migration 0001, RunSQL).
    search_text = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        db_table = "credit_supplier_profile"
        indexes = [
            GinIndex(fields=["categories"], name="credit_profile_categories"),
        ]


class CreditRating(models.Model):
    """One refresh of one supplier's rating that changed something: the score, grade, coverage limit
    and every factor's raw value, weight and points. Append-only; the chart on the supplier page."""

    supplier = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="credit_ratings", db_index=False
    )  # indexed by credit_rating_history
    score = models.SmallIntegerField()
    grade = models.CharField(max_length=3, choices=Grade.choices)
    # [{"key", "available", "weight", "share", "raw", "points"}]: see rating.FACTORS.
    factors = models.JSONField()
    coverage_limit_usd = models.BigIntegerField()
    cause = models.CharField(max_length=20)  # "nightly", "event", "manual"
    computed_at = models.DateTimeField()

    class Meta:
        db_table = "credit_rating"
        indexes = [models.Index(fields=["supplier", "-computed_at"], name="credit_rating_history")]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="credit_rating_score_range"),
        ]


class CreditStanding(models.Model):
    """The current rating of each supplier, flattened for the directory's filters and sorts."""

    supplier = models.OneToOneField(Organization, primary_key=True, on_delete=models.CASCADE, related_name="+")
    rating = models.ForeignKey(CreditRating, on_delete=models.PROTECT, related_name="+")
    score = models.SmallIntegerField()
    grade = models.CharField(max_length=3, choices=Grade.choices)
    grade_rank = models.SmallIntegerField()  # 7 = AAA … 1 = C, for "minimum grade" and sorting
    review_average = models.DecimalField(max_digits=4, decimal_places=2, null=True)  # Bayesian, 1 to 5
    review_count = models.IntegerField(default=0)
    response_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True)  # 0 to 1, last 30 days
    inspected_pass_rate = models.DecimalField(max_digits=5, decimal_places=4, null=True)  # first inspections
    inspected_orders = models.IntegerField(default=0)
    verified_until = models.DateField(null=True)  # on-site verification badge
    certifications = ArrayField(models.CharField(max_length=40), default=list)  # valid certification kinds
    refreshed_at = models.DateTimeField()

    class Meta:
        db_table = "credit_standing"
        indexes = [
            models.Index(fields=["-score"], name="credit_standing_score"),
            models.Index(fields=["-grade_rank", "-score"], name="credit_standing_grade"),
            models.Index(fields=["-review_average"], name="credit_standing_reviews"),
            models.Index(fields=["-response_rate"], name="credit_standing_response"),
            GinIndex(fields=["certifications"], name="credit_standing_certs"),
        ]
