import re

import pytest
from django.test import Client
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_openapi_document_is_valid_and_documents_errors():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    validate(spec)
    pay = spec["paths"]["/api/v1/orders/{order_id}/payments"]["post"]
    assert {"201", "402", "409", "422"} <= set(pay["responses"])
    assert "BearerAuth" in spec["components"]["securitySchemes"]


def test_docs_page_is_served_without_a_cdn():
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
