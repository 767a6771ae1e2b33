"""How many SQL statements each request of the life cycle runs: one life cycle in this process through
Django's test client (untimed), to explain the HTTP numbers."""

from __future__ import annotations

import json
import uuid
from typing import Any

from bench.http_load import VISA, order_body
from bench.http_seed import PASSWORD, create_parties


def count_queries() -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    (buyer, supplier), *_ = create_parties(1)
    counts: dict[str, int] = {}
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        client = Client()

        def post(step: str, path: str, body: dict[str, Any], token: str = "", idempotent: bool = False) -> Any:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            if idempotent:
                headers["Idempotency-Key"] = str(uuid.uuid4())
            with CaptureQueriesContext(connection) as queries:
                response = client.post(
                    f"/api/v1{path}", data=json.dumps(body), content_type="application/json", headers=headers
                )
            if response.status_code >= 300:
                raise RuntimeError(f"{step}: {response.status_code} {response.content[:300]!r}")
            counts[step] = len(queries.captured_queries)
            return response.json()

        buyer_token = post("token", "/auth/token", {"email": buyer.email, "password": PASSWORD})["token"]
        supplier_token = post("token", "/auth/token", {"email": supplier.email, "password": PASSWORD})["token"]
        del counts["token"]
        order = post("create", "/orders", order_body(buyer.org_id), supplier_token)
        path = f"/orders/{order['id']}"
        post("confirm_supplier", f"{path}/confirm", {}, supplier_token)
        post("confirm_buyer", f"{path}/confirm", {"terms_hash": order["terms_hash"]}, buyer_token)
        post("pay", f"{path}/payments", {"method": "card", "card": VISA}, buyer_token, idempotent=True)
        post("ship", f"{path}/ship", {"carrier": "COSCO", "tracking_number": "COSU123", "mode": "sea"}, supplier_token)
        post("confirm_receipt", f"{path}/confirm-receipt", {}, buyer_token, idempotent=True)
    connection.close()
    return counts
