"""Shared fixtures: organizations, members, API clients, and order builders over real PostgreSQL."""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from tradeshield.kit import clock
from tradeshield.ledger import services as ledger
from tradeshield.organizations import services as orgs
from tradeshield.organizations.models import OrgKind
from tradeshield.suppliers.fixtures import qualify

PASSWORD = "correct-horse-battery"


@dataclass
class Party:
    org: Any
    user: Any
    client: ApiClient


class ApiClient:
    """A JSON client that authenticates with a bearer token and sends Idempotency-Keys."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.token = token

    def _headers(self, idempotency_key: str | None) -> dict[str, str]:
        headers = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self._headers(None))

    def post(self, path: str, body: Any = None, *, key: str | bool | None = True, raw: str | None = None) -> Any:
        idem = str(uuid.uuid4()) if key is True else (key or None)
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(
            f"/api/v1{path}", data=data, content_type="application/json", headers=self._headers(idem)
        )

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(
            f"/api/v1{path}", data=json.dumps(body), content_type="application/json", headers=self._headers(None)
        )


def make_party(kind: OrgKind, name: str, country: str, role: str = "owner", currency: str = "USD") -> Party:
    org = orgs.organization_create(name=name, kind=kind, country=country, default_currency=currency)
    if kind == OrgKind.SUPPLIER:
        qualify(org)  # only qualified suppliers trade; through the real file-and-approve path
    email = f"{uuid.uuid4().hex[:8]}@{name.lower().replace(' ', '')}.test"
    user = orgs.member_create(organization=org, email=email, password=PASSWORD, role=role)
    secret, _ = orgs.personal_token_issue(email=email, password=PASSWORD)
    return Party(org=org, user=user, client=ApiClient(secret))


@pytest.fixture(autouse=True)
def _ledger_account_cache() -> None:
    """Tests roll back or empty the tables between them, which production never does to accounts."""
    ledger.account_cache_clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A request leaves its language active on the thread; each test starts, and ends, in the default one."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def buyer(db: None) -> Party:
    return make_party(OrgKind.BUYER, "Acme Imports", "US")


@pytest.fixture
def supplier(db: None) -> Party:
    return make_party(OrgKind.SUPPLIER, "Shenzhen Widgets", "CN")


@pytest.fixture
def other_buyer(db: None) -> Party:
    return make_party(OrgKind.BUYER, "Rival Trading", "DE")


def order_body(
    *,
    buyer_id: str,
    currency: str = "USD",
    unit_price: int = 1250,
    quantity: str = "100",
    deposit_percent: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "buyer_id": buyer_id,
        "title": "LED panels",
        "currency": currency,
        "incoterm": "FOB",
        "named_place": "Shenzhen port",
        "ship_by_date": (clock.today() + timedelta(days=30)).isoformat(),
        "lines": [
            {
                "product_name": "LED panel 60x60",
                "specifications": "4000K, 40 W, CE marked",
                "attributes": [{"name": "power", "value": "40", "unit": "W", "tolerance": "±5%"}],
                "quantity": quantity,
                "unit": "pcs",
                "unit_price": {"amount": unit_price, "currency": currency},
            }
        ],
    }
    if deposit_percent is not None:
        body["payment_plan"] = {"deposit_percent": deposit_percent}
    body.update(extra)
    return body


def confirmed_order(buyer: Party, supplier: Party, **kwargs: Any) -> dict[str, Any]:
    """An order issued by the supplier and confirmed by both sides (status awaiting_payment)."""
    created = supplier.client.post("/orders", order_body(buyer_id=buyer.org.id, **kwargs), key=False)
    assert created.status_code == 201, created.content
    order = created.json()
    assert supplier.client.post(f"/orders/{order['id']}/confirm", key=False).status_code == 200
    confirmed = buyer.client.post(f"/orders/{order['id']}/confirm", {"terms_hash": order["terms_hash"]}, key=False)
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "awaiting_payment"
    return confirmed.json()


VISA = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
MASTERCARD = {"number": "5555555555554444", "exp_month": 12, "exp_year": 2030, "cvc": "123"}


def pay_card(buyer: Party, order_id: str, card: dict[str, Any] | None = None, **extra: Any) -> Any:
    return buyer.client.post(f"/orders/{order_id}/payments", {"method": "card", "card": card or VISA, **extra})


# --- No secrets in the test suite's log output --------------------------------------------------------
# Every log record of the whole run goes through the production filter and formatter; a line that still
# holds a test card number or one of the suites' passwords fails the run at the end (see ops/logs.py).
SUITE_SECRETS = (
    VISA["number"],
    MASTERCARD["number"],
    "4000000000000002",
    PASSWORD,
    "quality-tests-password-42",
    "fault-tests-password-42",
)
LEAKED_LINES: list[str] = []


class _LeakWatch(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:
            return
        if any(secret in line for secret in SUITE_SECRETS) or _CARD_LIKE.search(line):
            LEAKED_LINES.append(line[:500])


_CARD_LIKE = re.compile(r"(?<!\d)(?:4242424242424242|5555555555554444)(?!\d)")


@pytest.fixture(autouse=True, scope="session")
def _watch_logs_for_secrets() -> Iterator[None]:
    from tradeshield.ops.logs import JsonFormatter, RedactFilter

    handler = _LeakWatch(level=logging.DEBUG)
    handler.addFilter(RedactFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield
    root.removeHandler(handler)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if LEAKED_LINES:
        print("\nSecrets in the test suite's log output:\n" + "\n".join(LEAKED_LINES[:20]))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
