"""Seed data for the HTTP run, made before timing: buyer and supplier organizations with one owner
each (through tradeshield.organizations.services), then a personal token per user from the API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx

PASSWORD = "bench-password-not-secret"


@dataclass(frozen=True)
class Party:
    org_id: str
    email: str
    token: str = ""


@dataclass(frozen=True)
class Pair:
    buyer: Party
    supplier: Party


def create_parties(count: int) -> list[tuple[Party, Party]]:
    from django.db import connection

    from tradeshield.organizations import services as orgs
    from tradeshield.organizations.models import OrgKind
    from tradeshield.risk.models import TrustedOrganization
    from tradeshield.suppliers.fixtures import qualify

    run = uuid.uuid4().hex[:6]
    made: list[tuple[Party, Party]] = []
    for i in range(count):
        sides = []
        for kind, country, label in ((OrgKind.BUYER, "US", "buyer"), (OrgKind.SUPPLIER, "CN", "supplier")):
            org = orgs.organization_create(name=f"Bench {label} {i}", kind=kind, country=country)
            if kind == OrgKind.SUPPLIER:
                qualify(org)
            else:
                # Eight buyers paying hundreds of orders a minute from one address is exactly what the risk
                # velocity rules stop; the benchmark measures the life cycle, so its buyers are allowlisted
                # (they are still screened: the decision is part of every timed payment).
                TrustedOrganization.objects.create(organization_id=org.id, note="HTTP benchmark buyer")
            email = f"{label}{i}-{run}@bench.test"
            orgs.member_create(organization=org, email=email, password=PASSWORD, role="owner")
            sides.append(Party(org_id=org.id, email=email))
        made.append((sides[0], sides[1]))
    connection.close()
    return made


def issue_token(client: httpx.Client, email: str) -> str:
    response = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    if response.status_code != 201:
        raise RuntimeError(f"POST /api/v1/auth/token for {email}: {response.status_code} {response.text[:300]}")
    return str(response.json()["token"])


def seed(base_url: str, count: int) -> list[Pair]:
    parties = create_parties(count)
    with httpx.Client(base_url=base_url, timeout=30) as client:
        return [
            Pair(
                buyer=Party(buyer.org_id, buyer.email, issue_token(client, buyer.email)),
                supplier=Party(supplier.org_id, supplier.email, issue_token(client, supplier.email)),
            )
            for buyer, supplier in parties
        ]
