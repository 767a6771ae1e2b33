"""The supplier directory API: filters, sorts, keyset pages, 4xx on bad parameters, and access."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.conftest import make_party
from tests.credit.support import make_order
from tradeshield.credit import services
from tradeshield.credit.models import CreditStanding
from tradeshield.kit import clock
from tradeshield.organizations.actors import actor_for_user
from tradeshield.organizations.models import OrgKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(buyer):
    """Four suppliers with profiles; review, response and badge fields set on their standing the way
    the reviews, messaging and qualification records will set them."""
    made = {}
    specs = [
        ("led", "Bright LED Works", "CN", ["lighting", "electronics"], "LED panels, downlights", 3),
        ("cable", "Cable Masters", "VN", ["electronics"], "USB cables, chargers", 0),
        ("shirt", "Cotton Shirts Ltd", "BD", ["apparel"], "T-shirts, polo shirts", 1),
        ("lamp", "Lamp House", "CN", ["lighting", "home"], "Desk lamps, LED bulbs", 0),
    ]
    for key, name, country, categories, products, completed in specs:
        party = make_party(OrgKind.SUPPLIER, name, country)
        for _ in range(completed):
            make_order(buyer.org, party.org, amount=100_000_000)
        services.profile_update(
            actor=actor_for_user(party.user),
            description=f"{name} factory",
            categories=categories,
            main_products=products,
        )
        made[key] = party
    extra = {
        "led": dict(
            review_average=Decimal("4.60"),
            review_count=40,
            response_rate=Decimal("0.95"),
            certifications=["ISO 9001", "ISO 14001"],
            verified_until=clock.today() + timedelta(days=100),
        ),
        "cable": dict(
            review_average=Decimal("4.10"), review_count=5, response_rate=Decimal("0.50"), certifications=["ISO 9001"]
        ),
        "shirt": dict(
            review_average=Decimal("4.90"),
            review_count=3,
            response_rate=Decimal("0.70"),
            verified_until=clock.today() - timedelta(days=1),
        ),  # lapsed
        "lamp": dict(),
    }
    for key, fields in extra.items():
        if fields:
            CreditStanding.objects.filter(supplier=made[key].org).update(**fields)
    return made


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [entry["id"] for entry in response.json()["data"]]


def test_filters(buyer, world):
    get = buyer.client.get
    assert set(ids(get("/suppliers/directory"))) == {p.org.id for p in world.values()}
    assert set(ids(get("/suppliers/directory", q="led"))) == {world["led"].org.id, world["lamp"].org.id}
    assert ids(get("/suppliers/directory", q="polo")) == [world["shirt"].org.id]
    assert ids(get("/suppliers/directory", q="cable mast")) == [world["cable"].org.id]  # prefixes of each word
    assert ids(get("/suppliers/directory", q="zzz-nothing")) == []
    assert set(ids(get("/suppliers/directory", category="lighting"))) == {world["led"].org.id, world["lamp"].org.id}
    assert ids(get("/suppliers/directory", country="vn")) == [world["cable"].org.id]
    assert set(ids(get("/suppliers/directory", certification="ISO 9001"))) == {
        world["led"].org.id,
        world["cable"].org.id,
    }
    assert ids(get("/suppliers/directory", verified="true")) == [world["led"].org.id]  # shirt's badge lapsed
    assert set(ids(get("/suppliers/directory", min_rating="4.5"))) == {world["led"].org.id, world["shirt"].org.id}
    scores = {e["id"]: e for e in get("/suppliers/directory").json()["data"]}
    best = max(scores.values(), key=lambda e: e["score"])
    grade_ids = ids(get("/suppliers/directory", min_grade=best["grade"]))
    assert best["id"] in grade_ids
    assert all(scores[i]["score"] >= min(scores[j]["score"] for j in grade_ids) for i in grade_ids)
    assert ids(get("/suppliers/directory", category="lighting", country="CN", verified="1", q="panel")) == [
        world["led"].org.id
    ]


def test_sorts(buyer, world):
    get = buyer.client.get
    by_rating = ids(get("/suppliers/directory", sort="rating"))
    assert by_rating == [world[k].org.id for k in ("shirt", "led", "cable", "lamp")]
    by_response = ids(get("/suppliers/directory", sort="response_rate"))
    assert by_response == [world[k].org.id for k in ("led", "shirt", "cable", "lamp")]
    entries = get("/suppliers/directory", sort="grade").json()["data"]
    assert [e["score"] for e in entries] == sorted((e["score"] for e in entries), reverse=True)
    assert entries[0]["id"] == world["led"].org.id  # three completed orders of USD 1M


def test_keyset_pages_visit_everyone_once(buyer, world):
    for sort in ("grade", "rating", "response_rate"):
        seen, cursor = [], None
        while True:
            params = {"limit": 1, "sort": sort} | ({"cursor": cursor} if cursor else {})
            body = buyer.client.get("/suppliers/directory", **params).json()
            seen += [e["id"] for e in body["data"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert seen == ids(buyer.client.get("/suppliers/directory", sort=sort))


@pytest.mark.parametrize(
    "params, field, code",
    [
        ({"limit": 101}, "limit", "invalid_search"),
        ({"limit": 0}, "limit", "invalid_search"),
        ({"limit": -3}, "limit", "invalid_search"),
        ({"min_grade": "AAAA"}, "min_grade", "unknown_grade"),
        ({"min_rating": "7"}, "min_rating", "invalid_search"),
        ({"min_rating": "0"}, "min_rating", "invalid_search"),
        ({"min_rating": "NaN"}, "min_rating", "invalid_search"),
        ({"min_rating": "abc"}, "min_rating", "invalid_search"),
        ({"category": "weapons"}, "category", "unknown_category"),
        ({"country": "CHN"}, "country", "invalid_search"),
        ({"sort": "price"}, "sort", "invalid_search"),
        ({"verified": "maybe"}, "verified", "invalid_search"),
        ({"cursor": "not-a-cursor"}, "cursor", "invalid_cursor"),
        ({"q": "x" * 101}, "q", "invalid_search"),
    ],
)
def test_bad_parameters_are_422_with_a_code(buyer, world, params, field, code):
    response = buyer.client.get("/suppliers/directory", **params)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["field"] == field


def test_rating_and_card_show_the_breakdown_without_private_figures(buyer, world):
    led = world["led"]
    rating = buyer.client.get(f"/suppliers/{led.org.id}/rating")
    assert rating.status_code == 200
    body = rating.json()
    assert body["grade"] in {"AAA", "AA", "A", "BBB", "BB", "B", "C"}
    volume = next(f for f in body["factors"] if f["key"] == "volume")
    assert volume["raw"] == {"usd_band": "1,000,000+"}  # a band, never the exact USD 3,000,000
    assert sum(Decimal(f["points"]) for f in body["factors"]) == pytest.approx(Decimal(body["score"]), abs=1)
    disputes = next(f for f in body["factors"] if f["key"] == "disputes")
    assert disputes["available"] is True and disputes["raw"]["disputed"] == 0  # no dispute: near full points
    assert Decimal(disputes["points"]) == pytest.approx(
        Decimal(8 * (1 - 5 * (0.15 / (disputes["raw"]["funded"] + 5)))), abs=Decimal("0.01")
    )
    history = buyer.client.get(f"/suppliers/{led.org.id}/rating/history").json()["data"]
    assert history and history[-1]["score"] == body["score"]

    card = buyer.client.get(f"/suppliers/directory/{led.org.id}")
    assert card.status_code == 200
    text = card.content.decode()
    assert led.user.email not in text and "3000000" not in text and "coverage_limit_usd" not in text
    assert card.json()["certifications"] == ["ISO 9001", "ISO 14001"]


def test_access(client, buyer, world):
    assert client.get("/api/v1/suppliers/directory").status_code == 401
    assert buyer.client.get(f"/suppliers/{buyer.org.id}/rating").status_code == 404  # a buyer is no supplier
    assert buyer.client.get("/suppliers/directory/org_nope").status_code == 404
    # Only a supplier writes a profile, and only its own.
    put = buyer.client.put("/directory-profile", {"description": "x", "categories": [], "main_products": ""})
    assert put.status_code == 403
    led = world["led"]
    bad = led.client.put("/directory-profile", {"description": "x", "categories": ["nope"], "main_products": ""})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "unknown_category"
    ok = led.client.put(
        "/directory-profile", {"description": "New", "categories": ["tools"], "main_products": "Drills"}
    )
    assert ok.status_code == 200 and ok.json()["categories"] == ["tools"]
    assert ids(buyer.client.get("/suppliers/directory", q="drills")) == [led.org.id]
