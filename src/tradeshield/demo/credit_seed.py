"""Demo directory: supplier profiles, a few more suppliers with a trading history, and rating history.

The extra suppliers' past orders are written straight to the orders table as an imported history
(completed, on time or not, some refunded), month by month on a simulation clock, and the ratings
are refreshed at the end of each month, so the supplier pages show a score history that was earned
from those records."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction

from tradeshield.credit import services as credit
from tradeshield.credit.models import SupplierProfile
from tradeshield.kit import clock
from tradeshield.orders.models import Order
from tradeshield.organizations import services as orgs
from tradeshield.organizations.models import Organization, OrgKind
from tradeshield.reviews.models import Review

# name, country, categories, main products, description, orders per month, on-time in ten, refunds in 20
SUPPLIERS = [
    (
        "Ningbo Precision Valves Co.",
        "CN",
        ["machinery", "tools"],
        "Ball valves, gate valves, brass fittings",
        "ISO 9001 valve maker with 120 CNC lines; exports to 40 countries.",
        6,
        10,
        0,
    ),
    (
        "Izmir Packaging A.S.",
        "TR",
        ["packaging"],
        "Corrugated cartons, printed boxes",
        "Offset-printed corrugated packaging for food and retail.",
        4,
        9,
        1,
    ),
    (
        "Dhaka Knitwear Ltd.",
        "BD",
        ["apparel"],
        "T-shirts, polo shirts, hoodies",
        "Knit garments from combed cotton; 1,800 machines.",
        5,
        7,
        2,
    ),
    (
        "Guadalajara Tools S.A.",
        "MX",
        ["tools"],
        "Hand tools, drill bits",
        "Forged hand tools for North American retailers.",
        2,
        8,
        1,
    ),
    (
        "Hanoi Lamp Studio",
        "VN",
        ["lighting", "home"],
        "Rattan lamps, pendant lights",
        "Hand-woven lamp shades and pendant lights.",
        1,
        6,
        3,
    ),
]
PROFILES = {
    "Shenzhen Bright Lighting Co.": (
        ["lighting", "electronics"],
        "LED panels, downlights, floodlights",
        "LED lighting factory in Bao'an, Shenzhen: panels, downlights and floodlights.",
    ),
    "Saigon Textiles JSC": (
        ["apparel", "home"],
        "Bath towels, hand towels",
        "Terry towels and bathrobes from 100 % cotton.",
    ),
}
MONTHS = 6


def _history(
    supplier: Organization,
    buyer: Organization,
    month_start: datetime,
    per_month: int,
    on_time: int,
    refunds: int,
    seq: int,
) -> None:
    for n in range(per_month):
        deadline = (month_start + timedelta(days=3 + 4 * n)).date()
        shipped = datetime.combine(deadline, time(9), tzinfo=month_start.tzinfo)
        if (seq + n) % 10 >= on_time:
            shipped += timedelta(days=4)
        refunded = (seq + n) % 20 < refunds
        order = Order.objects.create(
            buyer=buyer,
            supplier=supplier,
            initiated_by="supplier",
            title="Imported order history",
            currency="USD",
            incoterm="FOB",
            named_place="Port of loading",
            ship_by_date=deadline,
            ship_deadline=deadline,
            status="refunded" if refunded else "completed",
            total_amount=1_200_000 + 350_000 * n,
            shipped_at=None if refunded else shipped,
            created_at=month_start,
            updated_at=shipped + timedelta(days=20),
        )
        if not refunded:  # the imported history's reviews, so the rating's review factor has records
            late = shipped.date() > deadline
            base = 5 if on_time >= 9 else 4
            Review.objects.create(
                order=order,
                buyer=buyer,
                supplier=supplier,
                author_label="Imported review",
                product_quality=base,
                delivery_time=3 if late else 5,
                service=base - ((seq + n) % 7 == 0),
                created_at=shipped + timedelta(days=20),
            )


@transaction.atomic
def seed_directory() -> None:
    for name, (categories, products, description) in PROFILES.items():
        org = Organization.objects.filter(name=name, kind=OrgKind.SUPPLIER).first()
        if org is not None:
            SupplierProfile.objects.update_or_create(
                organization=org,
                defaults={
                    "categories": categories,
                    "main_products": products,
                    "description": description,
                    "search_text": " ".join((name, products, description)).lower(),
                },
            )
    buyer = Organization.objects.filter(kind=OrgKind.BUYER).order_by("created_at").first()
    assert buyer is not None, "the base demo seed creates the buyers first"
    start = clock.now() - timedelta(days=30 * (MONTHS + 1))
    made = []
    with clock.frozen_at(start - timedelta(days=400)):
        for name, country, categories, products, description, *_ in SUPPLIERS:
            org = orgs.organization_create(name=name, kind=OrgKind.SUPPLIER, country=country)
            SupplierProfile.objects.create(
                organization=org,
                categories=categories,
                main_products=products,
                description=description,
                search_text=" ".join((name, products, description)).lower(),
            )
            made.append(org)
    for month in range(MONTHS + 1):
        month_start = start + timedelta(days=30 * month)
        with clock.frozen_at(month_start):
            for seq, (org, spec) in enumerate(zip(made, SUPPLIERS, strict=True)):
                _history(org, buyer, month_start - timedelta(days=30), *spec[5:8], seq=seq + month)
        with clock.frozen_at(month_start + timedelta(days=29)):
            credit.rating_refresh(cause="nightly")
    credit.rating_refresh(cause="nightly")
