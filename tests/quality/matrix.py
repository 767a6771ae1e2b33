"""The requests the access matrix sends: one concrete, well-formed request per API route and web page.

Each names objects of the seeded world that belong to Acme (buyer) and Widgets (supplier), in a state
where the action makes sense, so that an allowed role gets past authorization.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.test import Client
from tests.quality.world import CARD, PNG, World

from tradeshield.kit import clock
from tradeshield.payments import bank_webhook
from tradeshield.shipments import webhook as carrier_webhook

# Outcomes, as classes of status code.
OK = "ok"  # 2xx (a web page: 200, or a redirect that is not to the login page)
STATE = "state"  # allowed, but refused for the object's state or the values (402, 409, 422)
FORBIDDEN = "403"
NOT_FOUND = "404"
UNAUTHENTICATED = "401"  # API
LOGIN = "login"  # web: a redirect to the login page
NOT_ALLOWED = "405"


def api_outcome(status: int) -> str:
    if 200 <= status < 300:
        return OK
    if status in (402, 409, 422):
        return STATE
    return {401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND, 405: NOT_ALLOWED}.get(status, str(status))


def web_outcome(status: int, location: str) -> str:
    if status == 200 or (status in (301, 302, 303) and not location.startswith("/login/")):
        return OK
    if status in (301, 302, 303):
        return LOGIN
    return {403: FORBIDDEN, 404: NOT_FOUND, 405: NOT_ALLOWED}.get(status, str(status))


@dataclass
class Call:
    method: str
    path: str
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = "application/json"


def order_body(world: World) -> dict[str, Any]:
    return {
        "buyer_id": world.acme.id,
        "supplier_id": world.widgets.id,
        "title": "Matrix order",
        "currency": "USD",
        "incoterm": "FOB",
        "named_place": "Shenzhen",
        "ship_by_date": (clock.today() + timedelta(days=30)).isoformat(),
        "lines": [
            {"product_name": "Panel", "quantity": "10", "unit": "pcs", "unit_price": {"amount": 100, "currency": "USD"}}
        ],
    }


def bank_notification(world: World) -> Call:
    body = json.dumps(
        {
            "bank_transaction_id": f"btx_{uuid.uuid4().hex[:10]}",
            "reference": "TS-UNKNOWN",
            "amount": {"amount": 100, "currency": "USD"},
            "value_date": clock.today().isoformat(),
            "payer_name": "Acme Imports",
        }
    ).encode()
    msg_id, ts = f"msg_{uuid.uuid4().hex[:10]}", int(time.time())
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": bank_webhook.sign(msg_id=msg_id, timestamp=ts, body=body),
    }
    return Call("POST", "/bank/notifications", headers=headers, raw=body)


def carrier_notification(world: World) -> Call:
    body = json.dumps(
        {"tracking_number": "COSU1", "kind": "arrived_at_port", "occurred_at": clock.now().isoformat()}
    ).encode()
    msg_id, ts = f"msg_{uuid.uuid4().hex[:10]}", int(time.time())
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": carrier_webhook.sign(carrier="cosco", msg_id=msg_id, timestamp=ts, body=body),
    }
    return Call("POST", "/carriers/cosco/events", headers=headers, raw=body)


def inspection_calls(world: World) -> dict[str, Call]:
    o, insp, done = world.orders, world.extra["inspection"], world.extra["inspection_passed"]
    report = {"critical_found": 0, "major_found": 0, "minor_found": 0, "summary": "s", "photo_ids": []}
    visit = {"lot_size": 10, "packed_percent": 90, "ready_date": clock.today().isoformat(), "site_address": "x"}
    return {
        "GET /inspections/sampling-plan": Call("GET", "/inspections/sampling-plan?lot_size=1000"),
        "GET /inspection-agencies": Call("GET", "/inspection-agencies"),
        "GET /orders/{order_id}/inspection-plan": Call("GET", f"/orders/{o['inspected']}/inspection-plan"),
        "PUT /orders/{order_id}/inspection-plan": Call("PUT", f"/orders/{o['inspected']}/inspection-plan", {}),
        "POST /orders/{order_id}/inspections": Call("POST", f"/orders/{o['inspected']}/inspections", visit),
        "GET /orders/{order_id}/inspections": Call("GET", f"/orders/{o['inspected']}/inspections"),
        "GET /inspections": Call("GET", "/inspections"),
        "GET /inspections/{inspection_id}": Call("GET", f"/inspections/{insp}"),
        "POST /inspections/{inspection_id}/fee-payment": Call(
            "POST", f"/inspections/{insp}/fee-payment", {"card": {**CARD, "exp_year": clock.today().year + 2}}
        ),
        "POST /inspections/{inspection_id}/cancel": Call("POST", f"/inspections/{insp}/cancel", {}),
        "POST /inspections/{inspection_id}/schedule": Call(
            "POST",
            f"/inspections/{insp}/schedule",
            {"visit_date": clock.today().isoformat(), "inspector_id": world.people["inspector"].user.id},  # type: ignore[union-attr]
        ),
        "POST /inspections/{inspection_id}/photos": Call(
            "POST",
            f"/inspections/{insp}/photos",
            raw=_multipart(PNG),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
        ),
        "POST /inspections/{inspection_id}/report": Call("POST", f"/inspections/{insp}/report", report),
        "POST /inspections/{inspection_id}/decision": Call(
            "POST", f"/inspections/{done}/decision", {"choice": "accept"}
        ),
        "GET /suppliers/{supplier_id}/inspection-record": Call(
            "GET", f"/suppliers/{world.widgets.id}/inspection-record"
        ),
    }


BOUNDARY = "matrixboundary"


def _multipart(data: bytes) -> bytes:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="p.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def supplier_calls(world: World) -> dict[str, Call]:
    app, doc = world.extra["application"], world.extra["qualification_document"]
    visit, photo = world.extra["verification"], world.extra["verification_photo"]
    today = clock.today()
    application = {
        "license_number": "BL-2",
        "license_country": "CN",
        "license_valid_from": today.isoformat(),
        "license_valid_to": (today + timedelta(days=700)).isoformat(),
    }
    checks = (
        "license",
        "production_capability",
        "quality_system",
        "environmental",
        "social_responsibility",
        "intellectual_property",
    )
    checklist = {item: {"ok": True} for item in checks}
    report = {
        "visited_on": today.isoformat(),
        "factory_address": "1 Plant Rd",
        "latitude": "22.5",
        "longitude": "114.1",
        "staff_count": 50,
        "annual_capacity": "100k",
        "findings": "Fine.",
        "equipment": [{"name": "Press", "quantity": 2, "capacity": "10/min"}],
    }
    upload = {"raw": _multipart(PNG), "content_type": f"multipart/form-data; boundary={BOUNDARY}"}
    return {
        "POST /suppliers/applications": Call("POST", "/suppliers/applications", application),
        "GET /suppliers/applications": Call("GET", "/suppliers/applications"),
        "GET /suppliers/applications/{application_id}": Call("GET", f"/suppliers/applications/{app}"),
        "PUT /suppliers/applications/{application_id}": Call("PUT", f"/suppliers/applications/{app}", application),
        "POST /suppliers/applications/{application_id}/documents": Call(
            "POST", f"/suppliers/applications/{app}/documents", **upload
        ),
        "GET /suppliers/documents/{document_id}/content": Call("GET", f"/suppliers/documents/{doc}/content"),
        "POST /suppliers/applications/{application_id}/submit": Call("POST", f"/suppliers/applications/{app}/submit"),
        "GET /suppliers/review-queue": Call("GET", "/suppliers/review-queue"),
        "PUT /suppliers/applications/{application_id}/checklist": Call(
            "PUT", f"/suppliers/applications/{app}/checklist", {"items": checklist}
        ),
        "POST /suppliers/applications/{application_id}/decision": Call(
            "POST", f"/suppliers/applications/{app}/decision", {"decision": "approve", "checklist": checklist}
        ),
        "GET /suppliers/{supplier_id}/trust": Call("GET", f"/suppliers/{world.widgets.id}/trust"),
        "POST /suppliers/verifications": Call(
            "POST", "/suppliers/verifications", {"agency_id": world.extra["agency"], "supplier_id": world.widgets.id}
        ),
        "GET /suppliers/verifications": Call("GET", "/suppliers/verifications"),
        "GET /suppliers/verifications/{verification_id}": Call("GET", f"/suppliers/verifications/{visit}"),
        "POST /suppliers/verifications/{verification_id}/accept": Call(
            "POST", f"/suppliers/verifications/{visit}/accept", {"planned_date": today.isoformat()}
        ),
        "POST /suppliers/verifications/{verification_id}/decline": Call(
            "POST", f"/suppliers/verifications/{visit}/decline", {"reason": "No inspector free."}
        ),
        "POST /suppliers/verifications/{verification_id}/photos": Call(
            "POST", f"/suppliers/verifications/{visit}/photos", **upload
        ),
        "GET /suppliers/verifications/{verification_id}/photos/{photo_id}/content": Call(
            "GET", f"/suppliers/verifications/{visit}/photos/{photo}/content"
        ),
        "POST /suppliers/verifications/{verification_id}/report": Call(
            "POST", f"/suppliers/verifications/{visit}/report", report
        ),
    }


def supplier_pages(world: World) -> dict[str, tuple[str, str]]:
    app, doc = world.extra["application"], world.extra["qualification_document"]
    visit, photo = world.extra["verification"], world.extra["verification_photo"]
    return {
        "qualification": ("GET", "/qualification/"),
        "qualification_document": ("POST", f"/qualification/{app}/documents/"),
        "qualification_submit": ("POST", f"/qualification/{app}/submit/"),
        "qualification_file": ("GET", f"/qualification/documents/{doc}/"),
        "verifications": ("GET", "/verifications/"),
        "verification_new": ("POST", "/verifications/new/"),
        "verification_detail": ("GET", f"/verifications/{visit}/"),
        "verification_photo": ("GET", f"/verifications/{visit}/photos/{photo}/"),
        "review_queue": ("GET", "/staff/qualification/"),
        "review_detail": ("GET", f"/staff/qualification/{app}/"),
    }


def shipment_calls(world: World) -> dict[str, Call]:
    o, shipment = world.orders, world.extra["shipment"]
    event = {"kind": "arrived_at_port", "occurred_at": clock.now().isoformat()}
    csv = f"tracking_number,kind,occurred_at\nCOSU1,customs,{clock.now().isoformat()}\n".encode()
    return {
        "POST /orders/{order_id}/shipments": Call(
            "POST", f"/orders/{o['paid']}/shipments", {"mode": "sea", "carrier": "COSCO", "tracking_number": "C9"}
        ),
        "GET /orders/{order_id}/shipments": Call("GET", f"/orders/{o['shipped']}/shipments"),
        "GET /orders/{order_id}/tracking": Call("GET", f"/orders/{o['shipped']}/tracking"),
        "GET /shipments/{shipment_id}": Call("GET", f"/shipments/{shipment}"),
        "POST /shipments/{shipment_id}/events": Call("POST", f"/shipments/{shipment}/events", event),
        "POST /shipment-events/import": Call("POST", "/shipment-events/import", raw=csv, content_type="text/csv"),
        "POST /carriers/{carrier}/events": carrier_notification(world),
    }


def talk_calls(world: World) -> dict[str, Call]:
    o, inquiry, review = world.orders, world.extra["inquiry"], world.extra["review"]
    return {
        "POST /inquiries": Call("POST", "/inquiries", {"supplier_id": world.widgets.id, "subject": "s", "body": "b"}),
        "GET /inquiries": Call("GET", "/inquiries"),
        "GET /inquiries/{thread_id}": Call("GET", f"/inquiries/{inquiry}"),
        "GET /inquiries/{thread_id}/messages": Call("GET", f"/inquiries/{inquiry}/messages"),
        "POST /inquiries/{thread_id}/messages": Call("POST", f"/inquiries/{inquiry}/messages", {"body": "b"}),
        "POST /inquiries/{thread_id}/read": Call("POST", f"/inquiries/{inquiry}/read"),
        "GET /orders/{order_id}/messages": Call("GET", f"/orders/{o['paid']}/messages"),
        "POST /orders/{order_id}/messages": Call("POST", f"/orders/{o['paid']}/messages", {"body": "b"}),
        "POST /message-attachments": Call(
            "POST",
            "/message-attachments",
            raw=_multipart(PNG),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
        ),
        "GET /messages/unread-count": Call("GET", "/messages/unread-count"),
        "POST /orders/{order_id}/review": Call(
            "POST", f"/orders/{o['completed']}/review", {"product_quality": 5, "delivery_time": 5, "service": 5}
        ),
        "GET /orders/{order_id}/review": Call("GET", f"/orders/{o['completed']}/review"),
        "GET /suppliers/{supplier_id}/reviews": Call("GET", f"/suppliers/{world.widgets.id}/reviews"),
        "GET /suppliers/{supplier_id}/review-stats": Call("GET", f"/suppliers/{world.widgets.id}/review-stats"),
        "GET /reviews/{review_id}": Call("GET", f"/reviews/{review}"),
        "POST /reviews/{review_id}/reply": Call("POST", f"/reviews/{review}/reply", {"text": "Thanks"}),
        "POST /reviews/{review_id}/reports": Call("POST", f"/reviews/{review}/reports", {"reason": "r"}),
        "GET /review-reports": Call("GET", "/review-reports"),
        "POST /reviews/{review_id}/hide": Call("POST", f"/reviews/{review}/hide", {"reason": "r"}),
        "POST /review-reports/{report_id}/dismiss": Call(
            "POST", f"/review-reports/{world.extra['review_report']}/dismiss", {}
        ),
    }


def dispute_calls(world: World) -> dict[str, Call]:
    o, d, a = world.orders, world.extra["dispute"], world.extra["dispute_arbitrated"]
    usd = {"amount": 1_000, "currency": "USD"}
    reasons = "Reasons long enough to be accepted by the rules."
    return {
        "POST /orders/{order_id}/disputes": Call(
            "POST", f"/orders/{o['paid']}/disputes", {"reason": "late", "remedy": "full_refund", "description": "x"}
        ),
        "GET /orders/{order_id}/disputes": Call("GET", f"/orders/{o['disputed']}/disputes"),
        "GET /disputes": Call("GET", "/disputes"),
        "GET /disputes/{dispute_id}": Call("GET", f"/disputes/{d}"),
        "POST /disputes/{dispute_id}/counter": Call("POST", f"/disputes/{d}/counter", {"amount": usd, "text": "t"}),
        "POST /disputes/{dispute_id}/accept": Call("POST", f"/disputes/{d}/accept"),
        "POST /disputes/{dispute_id}/reject": Call("POST", f"/disputes/{d}/reject", {"text": "no"}),
        "POST /disputes/{dispute_id}/edit": Call("POST", f"/disputes/{d}/edit", {"description": "More detail."}),
        "POST /disputes/{dispute_id}/withdraw": Call("POST", f"/disputes/{d}/withdraw"),
        "POST /disputes/{dispute_id}/escalate": Call("POST", f"/disputes/{d}/escalate"),
        "POST /disputes/{dispute_id}/evidence": Call(
            "POST",
            f"/disputes/{d}/evidence",
            raw=_multipart(PNG),
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
        ),
        "POST /disputes/{dispute_id}/evidence-requests": Call(
            "POST", f"/disputes/{a}/evidence-requests", {"side": "buyer", "text": "Photos.", "due_days": 3}
        ),
        "POST /disputes/{dispute_id}/inspections": Call(
            "POST", f"/disputes/{a}/inspections", {"agency_id": "org_none", "scope": "Count the flickering panels."}
        ),
        "POST /disputes/{dispute_id}/settlement": Call("POST", f"/disputes/{a}/settlement", {"buyer_amount": usd}),
        "POST /disputes/{dispute_id}/settlement/sign": Call("POST", f"/disputes/{a}/settlement/sign"),
        "POST /disputes/{dispute_id}/decide": Call(
            "POST", f"/disputes/{a}/decide", {"buyer_amount": usd, "supplier_amount": usd, "reasons": reasons}
        ),
        "POST /disputes/{dispute_id}/appeal": Call("POST", f"/disputes/{a}/appeal", {"reasons": reasons}),
    }


def api_calls(world: World) -> dict[str, Call]:
    """One request per route, keyed "METHOD /api/v1/path/{param}" as in the OpenAPI document."""
    o, p, a = world.orders, world.payments, world.amendments
    x = world.extra
    email = world.people["buyer_owner"].user.email  # type: ignore[union-attr]
    endpoint, delivery = world.endpoints["acme"], world.deliveries["acme"]
    return {
        "POST /auth/token": Call("POST", "/auth/token", {"email": email, "password": "quality-tests-password-42"}),
        "GET /me": Call("GET", "/me"),
        "GET /organizations": Call("GET", "/organizations"),
        "GET /api-keys": Call("GET", "/api-keys"),
        "POST /api-keys": Call("POST", "/api-keys", {"name": "matrix"}),
        "POST /api-keys/{key_id}/revoke": Call("POST", f"/api-keys/{world.api_keys['acme']}/revoke"),
        "POST /orders": Call("POST", "/orders", order_body(world)),
        "GET /orders": Call("GET", "/orders"),
        "GET /orders/{order_id}": Call("GET", f"/orders/{o['paid']}"),
        "PUT /orders/{order_id}": Call("PUT", f"/orders/{o['draft']}", order_body(world)),
        "GET /orders/{order_id}/events": Call("GET", f"/orders/{o['paid']}/events"),
        "POST /orders/{order_id}/confirm": Call("POST", f"/orders/{o['draft']}/confirm", {}),
        "GET /orders/{order_id}/payment-quote": Call(
            "GET", f"/orders/{o['awaiting_payment']}/payment-quote?method=card"
        ),
        "GET /orders/{order_id}/payment-methods": Call("GET", f"/orders/{o['awaiting_payment']}/payment-methods"),
        "POST /orders/{order_id}/payments": Call(
            "POST", f"/orders/{o['awaiting_payment']}/payments", {"method": "bank_transfer"}
        ),
        "GET /orders/{order_id}/payments": Call("GET", f"/orders/{o['paid']}/payments"),
        "GET /orders/{order_id}/evidence-bundle": Call("GET", f"/orders/{o['paid']}/evidence-bundle"),
        "GET /legal/partners": Call("GET", "/legal/partners"),
        "POST /orders/{order_id}/legal-consultations": Call(
            "POST", f"/orders/{o['paid']}/legal-consultations", {"firm_id": x["legal_firm"], "question": "Q?"}
        ),
        "GET /legal/consultations": Call("GET", "/legal/consultations"),
        "GET /legal/consultations/{consultation_id}": Call("GET", f"/legal/consultations/{x['consultation']}"),
        "POST /legal/consultations/{consultation_id}/messages": Call(
            "POST", f"/legal/consultations/{x['consultation']}/messages", {"body": "Hello"}
        ),
        "GET /legal/consultations/{consultation_id}/bundle": Call(
            "GET", f"/legal/consultations/{x['consultation']}/bundle"
        ),
        "POST /orders/{order_id}/ship": Call(
            "POST", f"/orders/{o['paid']}/ship", {"carrier": "COSCO", "tracking_number": "C2"}
        ),
        "POST /orders/{order_id}/mark-delivered": Call("POST", f"/orders/{o['shipped']}/mark-delivered"),
        "POST /orders/{order_id}/confirm-receipt": Call("POST", f"/orders/{o['delivered']}/confirm-receipt"),
        "POST /orders/{order_id}/cancel": Call("POST", f"/orders/{o['awaiting_payment']}/cancel", {"reason": "x"}),
        "POST /orders/{order_id}/refunds": Call(
            "POST", f"/orders/{o['paid']}/refunds", {"amount": {"amount": 100, "currency": "USD"}, "reason": "x"}
        ),
        "POST /orders/{order_id}/amendments": Call(
            "POST", f"/orders/{o['deposit_plan']}/amendments", {"changes": {"notes": "m"}, "reason": "r"}
        ),
        "GET /orders/{order_id}/amendments": Call("GET", f"/orders/{o['paid']}/amendments"),
        "POST /amendments/{amendment_id}/accept": Call("POST", f"/amendments/{a['by_supplier']}/accept"),
        "POST /amendments/{amendment_id}/reject": Call("POST", f"/amendments/{a['by_supplier']}/reject"),
        "POST /amendments/{amendment_id}/withdraw": Call("POST", f"/amendments/{a['by_supplier']}/withdraw"),
        "GET /payments/{payment_id}": Call("GET", f"/payments/{p['paid']}"),
        "GET /payments/{payment_id}/timeline": Call("GET", f"/payments/{p['paid']}/timeline"),
        "POST /payments/{payment_id}/wallet-return": Call(
            "POST", f"/payments/{p['wallet']}/wallet-return", {"approval_token": "not-the-token"}
        ),
        "POST /payments/{payment_id}/cancel": Call("POST", f"/payments/{p['bank_transfer']}/cancel"),
        "POST /bank/notifications": bank_notification(world),
        "POST /bank/statements": Call(
            "POST",
            "/bank/statements",
            raw=b"bank_transaction_id,reference,amount,currency,value_date\n",
            content_type="text/csv",
        ),
        "POST /test-clocks": Call("POST", "/test-clocks", {"name": "m", "start_at": clock.now().isoformat()}),
        "GET /test-clocks/{clock_id}": Call("GET", f"/test-clocks/{world.clock_id}"),
        "POST /test-clocks/{clock_id}/organizations": Call(
            "POST", f"/test-clocks/{world.clock_id}/organizations", {"organization_id": world.extra["fresh_org"]}
        ),
        "POST /test-clocks/{clock_id}/advance": Call(
            "POST", f"/test-clocks/{world.clock_id}/advance", {"to": (clock.now() + timedelta(hours=1)).isoformat()}
        ),
        "GET /protection-policy": Call("GET", "/protection-policy"),
        "PATCH /protection-policy": Call("PATCH", "/protection-policy", {"reminder_days_before": 2}),
        "GET /notifications": Call("GET", "/notifications"),
        "GET /notifications/unread-count": Call("GET", "/notifications/unread-count"),
        "POST /notifications/read-all": Call("POST", "/notifications/read-all"),
        "POST /notifications/{notification_id}/read": Call(
            "POST", f"/notifications/{world.notifications['buyer_owner']}/read"
        ),
        "GET /webhook-event-types": Call("GET", "/webhook-event-types"),
        "GET /webhook-endpoints": Call("GET", "/webhook-endpoints"),
        "POST /webhook-endpoints": Call("POST", "/webhook-endpoints", {"url": "https://hooks.example.test/x"}),
        "GET /webhook-endpoints/{endpoint_id}": Call("GET", f"/webhook-endpoints/{endpoint}"),
        "PATCH /webhook-endpoints/{endpoint_id}": Call("PATCH", f"/webhook-endpoints/{endpoint}", {"enabled": False}),
        "DELETE /webhook-endpoints/{endpoint_id}": Call("DELETE", f"/webhook-endpoints/{endpoint}"),
        "POST /webhook-endpoints/{endpoint_id}/rotate-secret": Call(
            "POST", f"/webhook-endpoints/{endpoint}/rotate-secret"
        ),
        "POST /webhook-endpoints/{endpoint_id}/test": Call("POST", f"/webhook-endpoints/{endpoint}/test"),
        "GET /webhook-endpoints/{endpoint_id}/deliveries": Call("GET", f"/webhook-endpoints/{endpoint}/deliveries"),
        "GET /webhook-deliveries/{delivery_id}": Call("GET", f"/webhook-deliveries/{delivery}"),
        "POST /webhook-deliveries/{delivery_id}/replay": Call("POST", f"/webhook-deliveries/{delivery}/replay"),
        **inspection_calls(world),
        **supplier_calls(world),
        **shipment_calls(world),
        **talk_calls(world),
        **dispute_calls(world),
        **payout_calls(world),
        **credit_calls(world),
        **risk_calls(world),
        **support_calls(world),
    }


def risk_calls(world: World) -> dict[str, Call]:
    case, frozen = world.extra["risk_case"], world.extra["frozen_org"]
    password = {"X-TradeShield-Password": "quality-tests-password-42"}
    return {
        "GET /risk/cases": Call("GET", "/risk/cases?status=pending"),
        "GET /risk/cases/{case_id}": Call("GET", f"/risk/cases/{case}"),
        "POST /risk/cases/{case_id}/approve": Call("POST", f"/risk/cases/{case}/approve", {"reason": "checked"}),
        "POST /risk/cases/{case_id}/decline": Call("POST", f"/risk/cases/{case}/decline", {"reason": "fraud"}),
        "GET /risk/frozen-accounts": Call("GET", "/risk/frozen-accounts"),
        "GET /risk/rules": Call("GET", "/risk/rules"),
        "POST /risk/rules": Call(
            "POST", "/risk/rules", {"name": "m", "condition": "amount > 1", "weight": 1, "reason": "matrix"}
        ),
        "POST /risk/frozen-accounts/{organization_id}/unfreeze": Call(
            "POST", f"/risk/frozen-accounts/{frozen}/unfreeze", {"reason": "verified"}, headers=password
        ),
    }


def payout_calls(world: World) -> dict[str, Call]:
    account, payout, saved = world.extra["payout_account"], world.extra["payout"], world.extra["saved_method"]
    iban = {"scheme": "iban", "holder_name": "W", "currency": "USD", "iban": "DE89370400440532013000"}
    password = {"X-TradeShield-Password": "quality-tests-password-42"}
    return {
        "GET /payouts/balances": Call("GET", "/payouts/balances"),
        "GET /payout-accounts": Call("GET", "/payout-accounts"),
        "POST /payout-accounts": Call("POST", "/payout-accounts", iban, headers=password),
        "POST /payout-accounts/{account_id}/verify": Call(
            "POST", f"/payout-accounts/{account}/verify", {"amounts": [1, 2]}
        ),
        "GET /payouts": Call("GET", "/payouts"),
        "POST /payouts": Call(
            "POST", "/payouts", {"payout_account_id": account, "amount": {"amount": 10**9, "currency": "USD"}}
        ),
        "GET /payouts/{payout_id}": Call("GET", f"/payouts/{payout}"),
        "GET /payment-methods": Call("GET", "/payment-methods"),
        "POST /payment-methods": Call("POST", "/payment-methods", {"card": CARD}),
        "DELETE /payment-methods/{method_id}": Call("DELETE", f"/payment-methods/{saved}"),
    }


def credit_calls(world: World) -> dict[str, Call]:
    widgets = world.widgets.id
    profile = {"description": "LED panels", "categories": ["lighting"], "main_products": "Panels"}
    return {
        "GET /suppliers/directory": Call("GET", "/suppliers/directory?q=widgets&min_grade=C&sort=rating"),
        "GET /suppliers/directory/{supplier_id}": Call("GET", f"/suppliers/directory/{widgets}"),
        "GET /suppliers/{supplier_id}/rating": Call("GET", f"/suppliers/{widgets}/rating"),
        "GET /suppliers/{supplier_id}/rating/history": Call("GET", f"/suppliers/{widgets}/rating/history"),
        "GET /directory-profile": Call("GET", "/directory-profile"),
        "PUT /directory-profile": Call("PUT", "/directory-profile", profile),
    }


def send_api(client: Client, call: Call, token: str | None) -> Any:
    headers = dict(call.headers)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if call.method in ("POST", "PUT", "PATCH", "DELETE"):
        headers.setdefault("Idempotency-Key", str(uuid.uuid4()))
    data = call.raw if call.raw is not None else (json.dumps(call.body) if call.body is not None else "")
    return client.generic(
        call.method, f"/api/v1{call.path}", data=data, content_type=call.content_type, headers=headers
    )


def web_calls(world: World) -> dict[str, tuple[str, str]]:
    """One request per named URL of the web app: name → (method, path). Actions are POSTs."""
    o, p = world.orders, world.payments
    insp, done = world.extra["inspection"], world.extra["inspection_passed"]
    return {
        "dashboard": ("GET", "/"),
        "login": ("GET", "/login/"),
        "logout": ("POST", "/logout/"),
        "set_language": ("POST", "/language/"),
        "order_new": ("GET", "/orders/new/"),
        "order_detail": ("GET", f"/orders/{o['paid']}/"),
        "order_pay": ("GET", f"/orders/{o['awaiting_payment']}/pay/"),
        "order_evidence_bundle": ("GET", f"/orders/{o['paid']}/evidence-bundle/"),
        "legal_request": ("GET", f"/orders/{o['paid']}/legal/"),
        "legal_cases": ("GET", "/legal/"),
        "legal_case": ("GET", f"/legal/{world.extra['consultation']}/"),
        "legal_case_bundle": ("GET", f"/legal/{world.extra['consultation']}/bundle/"),
        "order_confirm": ("POST", f"/orders/{o['draft']}/confirm/"),
        "order_ship": ("POST", f"/orders/{o['paid']}/ship/"),
        "order_deliver": ("POST", f"/orders/{o['shipped']}/deliver/"),
        "order_receive": ("POST", f"/orders/{o['delivered']}/receive/"),
        "order_cancel": ("POST", f"/orders/{o['awaiting_payment']}/cancel/"),
        "order_refund": ("POST", f"/orders/{o['paid']}/refund/"),
        "amendment_propose": ("POST", f"/orders/{o['deposit_plan']}/amendments/"),
        "amendment_decide": ("POST", f"/orders/{o['paid']}/amendments/{world.amendments['by_supplier']}/accept/"),
        "payment_detail": ("GET", f"/payments/{p['paid']}/"),
        "payment_abandon": ("POST", f"/payments/{p['bank_transfer']}/abandon/"),
        "wallet_sandbox": ("GET", f"/sandbox/wallet/{p['wallet']}/"),
        "wallet_sandbox_bare": ("GET", f"/sandbox/wallet/{p['wallet']}"),
        "bank_import": ("GET", "/staff/bank-statements/"),
        "api_keys": ("GET", "/settings/api-keys/"),
        "api_key_revoke": ("POST", f"/settings/api-keys/{world.api_keys['acme']}/revoke/"),
        "notifications": ("GET", "/notifications/"),
        "notifications_read_all": ("POST", "/notifications/read-all/"),
        "notification_read": ("POST", f"/notifications/{world.notifications['buyer_owner']}/read/"),
        "webhooks": ("GET", "/settings/webhooks/"),
        "webhook_detail": ("GET", f"/settings/webhooks/{world.endpoints['acme']}/"),
        "webhook_rotate": ("POST", f"/settings/webhooks/{world.endpoints['acme']}/rotate/"),
        "webhook_test": ("POST", f"/settings/webhooks/{world.endpoints['acme']}/test/"),
        "webhook_delete": ("POST", f"/settings/webhooks/{world.endpoints['acme']}/delete/"),
        "webhook_replay": ("POST", f"/settings/webhook-deliveries/{world.deliveries['acme']}/replay/"),
        "order_tracking": ("GET", f"/orders/{o['shipped']}/tracking/"),
        "order_tracking_live": ("GET", f"/orders/{o['shipped']}/tracking/live/"),
        "shipment_new": ("POST", f"/orders/{o['paid']}/shipments/"),
        "shipment_event_new": ("POST", f"/orders/{o['shipped']}/shipment-events/"),
        "tracking_import": ("POST", f"/orders/{o['shipped']}/shipment-events/import/"),
        "inspection_plan": ("POST", f"/orders/{o['inspected']}/inspection-plan/"),
        "inspection_request": ("POST", f"/orders/{o['inspected']}/inspections/"),
        "inspection_fee": ("POST", f"/orders/{o['inspected']}/inspections/{insp}/fee/"),
        "inspection_withdraw": ("POST", f"/orders/{o['inspected']}/inspections/{insp}/withdraw/"),
        "inspection_decide": ("POST", f"/orders/{o['inspected_passed']}/inspections/{done}/decision/"),
        "inspections": ("GET", "/inspections/"),
        "inspection_detail": ("GET", f"/inspections/{insp}/"),
        "inspection_schedule": ("POST", f"/inspections/{insp}/schedule/"),
        "inspection_report": ("POST", f"/inspections/{insp}/report/"),
        "inspection_verdict": ("GET", f"/inspections/{insp}/verdict/"),
        "stored_file": ("GET", f"/files/{world.extra['photo']}/"),
        "inbox": ("GET", "/messages/"),
        "inquiry_new": ("GET", "/messages/new/"),
        "thread_detail": ("GET", f"/messages/{world.extra['inquiry']}/"),
        "thread_live": ("GET", f"/messages/{world.extra['inquiry']}/live/"),
        "order_message": ("POST", f"/orders/{o['paid']}/messages/"),
        "order_messages_live": ("GET", f"/orders/{o['paid']}/messages/live/"),
        "review_new": ("POST", f"/orders/{o['completed']}/review/"),
        "supplier_reviews": ("GET", f"/suppliers/{world.widgets.id}/reviews/"),
        "review_reply": ("POST", f"/reviews/{world.extra['review']}/reply/"),
        "review_report": ("POST", f"/reviews/{world.extra['review']}/report/"),
        "moderation_queue": ("GET", "/staff/reviews/"),
        "support_tickets": ("GET", "/support/"),
        "support_ticket": ("GET", f"/support/{world.extra['support_ticket']}/"),
        "support_live": ("GET", f"/support/{world.extra['support_ticket']}/live/"),
        "support_queue": ("GET", "/staff/support/"),
        "moderation_hide": ("POST", f"/staff/reviews/{world.extra['review']}/hide/"),
        "moderation_dismiss": ("POST", f"/staff/review-reports/{world.extra['review_report']}/dismiss/"),
        "supplier_directory": ("GET", "/suppliers/?q=widgets&sort=grade"),
        "supplier_page": ("GET", f"/suppliers/{world.widgets.id}/"),
        "dispute_open": ("POST", f"/orders/{o['paid']}/disputes/"),
        "dispute_detail": ("GET", f"/disputes/{world.extra['dispute']}/"),
        "dispute_evidence_file": (
            "GET",
            f"/disputes/{world.extra['dispute']}/evidence/{world.extra['dispute_evidence']}/",
        ),
        "dispute_action": ("POST", f"/disputes/{world.extra['dispute']}/counter/"),
        "expert_workbench": ("GET", "/expert/disputes/"),
        "vital_signs": ("GET", "/staff/vital-signs/"),
        "healthz": ("GET", "/healthz"),
        "readyz": ("GET", "/readyz"),
        "metrics": ("GET", "/metrics"),
        "confirm_password": ("GET", "/account/confirm-password/"),
        "order_pay_saved": ("POST", f"/orders/{o['awaiting_payment']}/pay/saved/"),
        "payouts": ("GET", "/payouts/"),
        "payout_account_add": ("POST", "/payouts/accounts/"),
        "payout_account_verify": ("POST", f"/payouts/accounts/{world.extra['payout_account']}/verify/"),
        "payout_request": ("POST", "/payouts/request/"),
        "saved_methods": ("GET", "/settings/saved-cards/"),
        "saved_method_remove": ("POST", f"/settings/saved-cards/{world.extra['saved_method']}/remove/"),
        "risk_queue": ("GET", "/staff/risk/"),
        "risk_case_decide": ("POST", f"/staff/risk/cases/{world.extra['risk_case']}/approve/"),
        "risk_unfreeze": ("POST", f"/staff/risk/frozen/{world.extra['frozen_org']}/unfreeze/"),
        **supplier_pages(world),
    }


def support_calls(world: World) -> dict[str, Call]:
    t = world.extra["support_ticket"]
    call = {"caller": "Ana", "summary": "Asked about the refund.", "duration_seconds": 60}
    agent = world.people["support_agent"].user.id  # type: ignore[union-attr]
    return {
        "POST /support/tickets": Call("POST", "/support/tickets", {"subject": "Help", "body": "Question."}),
        "GET /support/tickets": Call("GET", "/support/tickets"),
        "GET /support/queue": Call("GET", "/support/queue?status=open"),
        "GET /support/tickets/{ticket_id}": Call("GET", f"/support/tickets/{t}"),
        "POST /support/tickets/{ticket_id}/messages": Call("POST", f"/support/tickets/{t}/messages", {"body": "Hi"}),
        "POST /support/tickets/{ticket_id}/calls": Call("POST", f"/support/tickets/{t}/calls", call),
        "POST /support/tickets/{ticket_id}/assign": Call(
            "POST", f"/support/tickets/{t}/assign", {"assignee_id": agent}
        ),
        "POST /support/tickets/{ticket_id}/close": Call("POST", f"/support/tickets/{t}/close"),
        "POST /support/tickets/{ticket_id}/survey": Call("POST", f"/support/tickets/{t}/survey", {"rating": 5}),
    }
