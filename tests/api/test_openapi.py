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


def test_no_two_schemas_share_a_name():
    """django-ninja names components by class name: a second class of the same name silently replaces the
    first in the document, and responses then fail their own schema."""
    from ninja import Schema

    import tradeshield.api.root  # noqa: F401  (imports every router and its schemas)

    seen: dict[str, str] = {}
    duplicates = []
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("tradeshield."):
            continue
        where = f"{cls.__module__}.{cls.__qualname__}"
        if cls.__name__ in seen and seen[cls.__name__] != where:
            duplicates.append((cls.__name__, seen[cls.__name__], where))
        seen.setdefault(cls.__name__, where)
    assert duplicates == []
