"""Fixtures for the web UI tests: a buyer, a supplier, a rival buyer and a support agent, each signed in."""

from __future__ import annotations

import pytest
from tests.web.support import Member, make_member, make_staff

from tradeshield.organizations.models import OrgKind


@pytest.fixture
def buyer(db: None) -> Member:
    return make_member(OrgKind.BUYER, "Acme Imports", "US")


@pytest.fixture
def supplier(db: None) -> Member:
    return make_member(OrgKind.SUPPLIER, "Shenzhen Bright", "CN")


@pytest.fixture
def rival(db: None) -> Member:
    return make_member(OrgKind.BUYER, "Rival Trading", "DE", currency="EUR")


@pytest.fixture
def staff(db: None) -> Member:
    return make_staff("support_agent")
