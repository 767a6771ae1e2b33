"""The directory and supplier pages in the browser's language: filters, pages, 400 on bad input."""

from __future__ import annotations

import pytest

from tests.credit.support import make_order, make_supplier, org_actor, qualify_with_certifications, review
from tests.web.support import add_member, make_member
from tradeshield.credit import services
from tradeshield.organizations.models import OrgKind
from tradeshield.reviews import services as reviews

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed():
    buyer = make_member(OrgKind.BUYER, "Web Buyer", "US")
    suppliers = []
    for i in range(23):
        member = make_member(OrgKind.SUPPLIER, f"Lamp Maker {i:02d}", "CN" if i % 2 else "VN")
        suppliers.append(member)
    for member in suppliers:
        services.profile_update(
            actor=member.actor, description="Lamps", categories=["lighting"], main_products="Desk lamps"
        )
    make_order(buyer.org, suppliers[0].org, amount=500_000_000)
    services.rating_refresh(supplier_ids=[suppliers[0].org.id])
    return buyer, suppliers


def test_directory_pages_filters_and_profile(listed):
    buyer, suppliers = listed
    page1 = buyer.client.get("/suppliers/", {"q": "lamp", "category": "lighting"})
    assert page1.status_code == 200
    html = page1.content.decode()
    assert html.count("supplier-entry") == 20 and "page=2" in html
    assert html.index("Lamp Maker 00") < html.index("Lamp Maker 22")  # the one with an order ranks first
    page2 = buyer.client.get("/suppliers/", {"q": "lamp", "category": "lighting", "page": 2}).content.decode()
    assert page2.count("supplier-entry") == 3 and "page=3" not in page2
    only_vn = buyer.client.get("/suppliers/", {"country": "VN"}).content.decode()
    assert "Lamp Maker 00" in only_vn and "Lamp Maker 01" not in only_vn and "Lamp Maker 02" in only_vn

    profile = buyer.client.get(f"/suppliers/{suppliers[0].org.id}/")
    assert profile.status_code == 200
    text = profile.content.decode()
    for expected in ("history-chart-data", "contribution-chart-data", "Dispute rate", "Lamp Maker 00"):
        assert expected in text
    assert suppliers[0].user.email not in text
    assert buyer.client.get(f"/suppliers/{buyer.org.id}/").status_code == 404


@pytest.mark.parametrize(
    "params", [{"page": "-1"}, {"page": "0"}, {"page": "x"}, {"min_grade": "Z"}, {"min_rating": "7"}, {"sort": "x"}]
)
def test_bad_parameters_answer_400_with_the_reason(listed, params):
    buyer, _suppliers = listed
    response = buyer.client.get("/suppliers/", params)
    assert response.status_code == 400
    assert 'id="search-error"' in response.content.decode()


def test_spanish_and_chinese_pages(listed):
    buyer, suppliers = listed
    es = buyer.client.get("/suppliers/", headers={"accept-language": "es"}).content.decode()
    assert "Directorio de proveedores" in es
    zh = buyer.client.get(f"/suppliers/{suppliers[0].org.id}/", headers={"accept-language": "zh-hans"}).content.decode()
    assert "供应商名录" in zh


def test_profile_shows_latest_reviews_with_replies_and_the_qualification(listed):
    buyer, _suppliers = listed
    supplier = add_member(make_supplier("Reviewed Lamps"), "owner")
    qualify_with_certifications(supplier.org, "ISO 14001")
    orders = [make_order(buyer.org, supplier.org) for _ in range(4)]
    first = review(buyer.org, orders[0], 2, 2, 2)
    reviews.review_reply(actor=org_actor(supplier.org), review_id=first.pk, text="We replaced the batch.")
    for order in orders[1:]:
        review(buyer.org, order, 5, 5, 5)
    services.rating_refresh(supplier_ids=[supplier.org.id])

    text = buyer.client.get(f"/suppliers/{supplier.org.id}/").content.decode()
    assert text.count('<article id="rev_') == 3  # the latest three
    assert first.pk not in text and "We replaced the batch." not in text  # the oldest is on the reviews page
    assert f'href="/suppliers/{supplier.org.id}/reviews/"' in text
    assert "Qualified supplier" in text and "ISO 14001" in text

    all_reviews = buyer.client.get(f"/suppliers/{supplier.org.id}/reviews/").content.decode()
    assert "We replaced the batch." in all_reviews

    zh = buyer.client.get(f"/suppliers/{supplier.org.id}/", headers={"accept-language": "zh-hans"}).content.decode()
    es = buyer.client.get(f"/suppliers/{supplier.org.id}/", headers={"accept-language": "es"}).content.decode()
    assert "最新评价" in zh and "Últimas reseñas" in es
