"""The directory and supplier pages in the browser's language: filters, pages, 400 on bad input."""

from __future__ import annotations

import pytest

from tests.credit.support import make_order
from tests.web.support import make_member
from tradeshield.credit import services
from tradeshield.organizations.models import OrgKind

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
    for expected in ("history-chart-data", "contribution-chart-data", "not yet available", "Lamp Maker 00"):
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
