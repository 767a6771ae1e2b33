"""A small marketplace with every role and objects in many states, for the fuzz and access-matrix tests.

Two organizations trade with each other (Acme buys from Widgets); a third, Rival, trades with Widgets
too, so Acme's people are strangers to Rival's orders and payments and the other way round. Everything
is created through the same services the app uses, so the money is real ledger money.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from tradeshield.accounts.models import User
from tradeshield.clocks.services import test_clock_create
from tradeshield.credit import services as credit
from tradeshield.files.services import file_store
from tradeshield.inspections import booking, reports
from tradeshield.inspections.models import AgencyProfile
from tradeshield.kit import clock
from tradeshield.messaging import services as messaging
from tradeshield.notifications import services as notifications
from tradeshield.notifications import webhooks
from tradeshield.notifications.models import Notification
from tradeshield.orders import amendments, paying, services
from tradeshield.orders.models import Order, OrderEvent
from tradeshield.organizations import services as orgs
from tradeshield.organizations.actors import Actor, actor_for_user
from tradeshield.organizations.models import Organization, OrgKind
from tradeshield.payments import services as payment_services
from tradeshield.payouts import services as payout_services
from tradeshield.reviews import services as reviews
from tradeshield.shipments import services as shipping
from tradeshield.shipments.models import Shipment
from tradeshield.suppliers import services as suppliers
from tradeshield.suppliers import verification
from tradeshield.suppliers.fixtures import qualify

PASSWORD = "quality-tests-password-42"
CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": clock.today().year + 3, "cvc": "123"}

# Who acts. Organization members are "<org>_<role>"; staff have no organization.
ROLES = (
    "anonymous",
    "buyer_owner",
    "buyer_finance",
    "supplier_owner",
    "supplier_sales",
    "support_agent",
    "admin",
    "stranger",  # the owner of Rival, another buyer organization
    "buyer_api_key",  # Acme's organization API key
    "agency_owner",  # Check Labs, the inspection agency booked on Acme's inspected orders
    "inspector",  # Check Labs' inspector, assigned to the scheduled visit
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n" + b"0" * 64


@dataclass
class Person:
    role: str
    user: User | None
    token: str | None  # bearer secret (personal token or API key); None for anonymous

    @property
    def actor(self) -> Actor:
        assert self.user is not None
        return actor_for_user(self.user)


@dataclass
class World:
    acme: Organization
    widgets: Organization
    rival: Organization
    people: dict[str, Person]
    orders: dict[str, str]  # name → order id (Acme ↔ Widgets unless the name starts with "rival_")
    payments: dict[str, str]
    amendments: dict[str, str]
    api_keys: dict[str, str]
    endpoints: dict[str, str]
    deliveries: dict[str, str]
    notifications: dict[str, str]
    clock_id: str
    extra: dict[str, Any] = field(default_factory=dict)

    def token(self, role: str) -> str | None:
        return self.people[role].token

    def hidden_from(self, role: str) -> set[str]:
        """Ids of objects `role` may never see in any response: another organization's business, and
        every organization's keys, webhooks and people's notifications except its own."""
        rival_trade = {v for k, v in {**self.orders, **self.payments}.items() if k.startswith("rival_")}
        acme_trade = {v for k, v in {**self.orders, **self.payments}.items() if not k.startswith("rival_")}
        acme_trade |= {self.amendments["by_supplier"], self.amendments["by_buyer"]}
        inspected = {self.orders["inspected"], self.orders["inspected_passed"]}
        acme_trade |= {self.extra["shipment"], self.extra["inspection"], self.extra["inspection_passed"]}
        acme_trade |= {self.extra["photo"]}
        acme_trade |= {self.extra[k] for k in ("dispute", "dispute_arbitrated", "dispute_evidence", "dispute_file")}
        acme_trade.add(self.extra["support_ticket"])  # Acme's support ticket: Acme's and staff's only
        rival_trade.add(self.amendments["rival"])
        acme_private = {self.api_keys["acme"], self.api_keys["acme_revoked"], self.endpoints["acme"]}
        acme_private |= {self.deliveries["acme"], self.notifications["buyer_owner"]}
        acme_private |= {self.extra["consultation"], self.extra["consultation_bundle"]}  # Acme and its lawyers only
        rival_private = {self.api_keys["rival"], self.endpoints["rival"], self.deliveries["rival"]}
        rival_private.add(self.notifications["stranger"])
        # inquiries are private to their two organizations (staff read order conversations only)
        acme_trade.add(self.extra["inquiry"])
        rival_trade.add(self.extra["rival_inquiry"])
        inquiries = {self.extra["inquiry"], self.extra["rival_inquiry"]}
        widgets_private = {self.notifications["supplier_owner"], self.extra["payout_account"], self.extra["payout"]}
        acme_private.add(self.extra["saved_method"])
        # Widgets' qualification: the application and its document are Widgets' and staff's only;
        # the verification visit is also Check Labs' (the agency asked to visit).
        widgets_qual = {self.extra["application"], self.extra["qualification_document"]}
        widgets_visit = {self.extra["verification"]}
        if role in ("buyer_owner", "buyer_finance", "buyer_api_key"):
            hidden = rival_trade | rival_private | widgets_private | widgets_qual | widgets_visit
            return hidden | ({self.notifications["buyer_owner"]} if role == "buyer_finance" else set())
        if role in ("supplier_owner", "supplier_sales"):
            hidden = acme_private | rival_private | {self.extra["support_ticket"]}
            return hidden | ({self.notifications["supplier_owner"]} if role == "supplier_sales" else set())
        if role == "stranger":
            return acme_trade | acme_private | widgets_private | widgets_qual | widgets_visit
        if role in ("agency_owner", "inspector"):
            booked = inspected | {self.extra["inspection"], self.extra["inspection_passed"], self.extra["photo"]}
            hidden = (acme_trade - booked) | rival_trade | acme_private | rival_private | widgets_private | widgets_qual
            return hidden | {self.payments[k] for k in ("inspected", "inspected_passed")}
        # staff and anonymous: no organization's keys, webhooks or notifications
        hidden = acme_private | rival_private | widgets_private | inquiries
        return hidden if role != "anonymous" else hidden | widgets_qual | widgets_visit | acme_trade | rival_trade


def _member(org: Organization, role: str, name: str) -> tuple[User, str]:
    email = f"{name}-{uuid.uuid4().hex[:8]}@{org.name.lower().replace(' ', '')}.test"
    user = orgs.member_create(organization=org, email=email, password=PASSWORD, role=role)
    secret, _ = orgs.personal_token_issue(email=email, password=PASSWORD)
    return user, secret


def _staff(role: str) -> tuple[User, str]:
    email = f"{role}-{uuid.uuid4().hex[:8]}@tradeshield.test"
    user = User.objects.create_user(email, PASSWORD, staff_role=role)
    secret, _ = orgs.personal_token_issue(email=email, password=PASSWORD)
    return user, secret


def _terms(currency: str, *, deposit: str | None = None, title: str = "LED panels") -> services.OrderTerms:
    return services.OrderTerms(
        title=title,
        currency=currency,
        incoterm="FOB",
        named_place="Shenzhen (Yantian)",
        ship_by_date=clock.today() + timedelta(days=30),
        deposit_percent=Decimal(deposit) if deposit else None,
        lines=[services.LineInput("LED panel 60x60", Decimal("100"), "pcs", 1250, specifications="4000 K, 40 W")],
    )


def build_world() -> World:
    """Call with a fast password hasher in force (see `fast_passwords`): argon2 costs ~0.5 s a hash here."""
    acme = orgs.organization_create(name="Acme Imports", kind=OrgKind.BUYER, country="US", default_currency="USD")
    widgets = orgs.organization_create(
        name="Shenzhen Widgets", kind=OrgKind.SUPPLIER, country="CN", default_currency="USD"
    )
    qualify(widgets)
    rival = orgs.organization_create(name="Rival Trading", kind=OrgKind.BUYER, country="DE", default_currency="EUR")
    people: dict[str, Person] = {"anonymous": Person("anonymous", None, None)}
    for role, org, member_role in [
        ("buyer_owner", acme, "owner"),
        ("buyer_finance", acme, "finance"),
        ("supplier_owner", widgets, "owner"),
        ("supplier_sales", widgets, "sales"),
        ("stranger", rival, "owner"),
    ]:
        user, secret = _member(org, member_role, role.replace("_", "-"))
        people[role] = Person(role, user, secret)
    for role in ("support_agent", "admin"):
        user, secret = _staff(role)
        people[role] = Person(role, user, secret)
    key, key_secret = orgs.api_key_create(organization=acme, name="ERP", created_by=people["buyer_owner"].user)
    people["buyer_api_key"] = Person("buyer_api_key", None, key_secret)
    revoked, _ = orgs.api_key_create(organization=acme, name="old ERP")
    orgs.api_key_revoke(organization=acme, key_id=revoked.id)
    rival_key, _ = orgs.api_key_create(organization=rival, name="Rival ERP")

    buyer, supplier, stranger = (people[r].actor for r in ("buyer_owner", "supplier_owner", "stranger"))
    orders: dict[str, str] = {}
    pays: dict[str, str] = {}

    def new(name: str, buyer_actor: Actor, currency: str = "USD", **kw: Any) -> Order:
        assert buyer_actor.organization is not None
        order = services.order_create(
            actor=supplier, counterparty_id=buyer_actor.organization.id, terms=_terms(currency, **kw)
        )
        orders[name] = order.id
        return order

    def confirm(name: str, buyer_actor: Actor, currency: str = "USD", **kw: Any) -> Order:
        order = new(name, buyer_actor, currency, **kw)
        services.order_confirm(actor=supplier, order_id=order.id)
        services.order_confirm(actor=buyer_actor, order_id=order.id)
        return order

    def pay(name: str, buyer_actor: Actor, method: str = "card", **kw: Any) -> str:
        order_id = orders[name]
        extra: dict[str, Any] = {"card": CARD} if method == "card" else {}
        if method == "wallet":
            extra = {"wallet": "paypal"}
        payment = paying.order_pay(
            actor=buyer_actor, order_id=order_id, method=method, idempotency_key=str(uuid.uuid4()), **extra, **kw
        )
        pays[name] = payment.id
        return payment.id

    new("draft", buyer)
    confirm("awaiting_payment", buyer)
    confirm("deposit_plan", buyer, deposit="30")
    pay("deposit_plan", buyer)
    confirm("bank_transfer", buyer)
    pay("bank_transfer", buyer, "bank_transfer")
    confirm("wallet", buyer)
    pay("wallet", buyer, "wallet")
    for name in ("paid", "shipped", "delivered", "completed", "cancelled"):
        confirm(name, buyer)
        pay(name, buyer)
    for name in ("shipped", "delivered", "completed"):
        shipping.order_ship(actor=supplier, order_id=orders[name], carrier="COSCO", tracking_number="COSU1", mode="sea")
    for name in ("delivered", "completed"):
        services.order_mark_delivered(actor=supplier, order_id=orders[name])
    paying.order_confirm_receipt(actor=buyer, order_id=orders["completed"])
    paying.order_cancel(actor=supplier, order_id=orders["cancelled"], reason="out of stock")
    proposed = amendments.amendment_propose(
        actor=supplier, order_id=orders["paid"], changes={"notes": "pallets wrapped"}, reason="packing"
    )
    by_buyer = amendments.amendment_propose(
        actor=buyer, order_id=orders["awaiting_payment"], changes={"notes": "blue boxes"}, reason="branding"
    )

    # Rival's business with Widgets: what Acme's people must never see.
    confirm("rival_paid", stranger, "EUR")
    pay("rival_paid", stranger)
    confirm("rival_shipped", stranger, "EUR")
    pay("rival_shipped", stranger)
    shipping.order_ship(actor=supplier, order_id=orders["rival_shipped"], carrier="DHL", tracking_number="D1")
    rival_amendment = amendments.amendment_propose(
        actor=supplier, order_id=orders["rival_paid"], changes={"notes": "rival note"}, reason="x"
    )

    inspections = _inspections(people, orders, pays, acme, supplier, buyer)
    for name in ("disputed", "arbitrated"):
        confirm(name, buyer)
        pay(name, buyer)
        shipping.order_ship(actor=supplier, order_id=orders[name], carrier="DHL", tracking_number="D9")
    disputes = _disputes(orders, buyer, supplier)
    qualification = _qualification(people, widgets, inspections["agency"])
    money_out = _payouts(supplier, buyer)
    legal = _legal(orders, buyer)

    endpoints, deliveries = {}, {}
    for name, org, user in [("acme", acme, people["buyer_owner"].user), ("rival", rival, people["stranger"].user)]:
        endpoint, _ = webhooks.webhook_endpoint_create(
            organization=org, url=f"https://hooks.{name}.test/tradeshield", created_by=user
        )
        endpoints[name] = endpoint.id
        deliveries[name] = webhooks.webhook_endpoint_ping(organization=org, endpoint_id=endpoint.id).id

    talk = _conversations(people, orders, widgets)

    for event in OrderEvent.objects.filter(order_id__in=[orders["paid"], orders["rival_paid"]]).order_by("pk"):
        notifications.relay_event(event.pk)
    notes = {}
    for role in ("buyer_owner", "supplier_owner", "stranger"):
        user = people[role].user
        note = Notification.objects.filter(user=user).order_by("id").first()
        assert note is not None, f"no notification for {role}"
        notes[role] = note.id

    credit.rating_refresh(cause="nightly")  # every supplier rated, as after a night
    sandbox = test_clock_create(name="sandbox", start_at=clock.now())
    newcomer = orgs.organization_create(name="Newcomer", kind=OrgKind.BUYER, country="FR", default_currency="EUR")
    return World(
        acme=acme,
        widgets=widgets,
        rival=rival,
        people=people,
        orders=orders,
        payments=pays,
        amendments={"by_supplier": proposed.id, "by_buyer": by_buyer.id, "rival": rival_amendment.id},
        api_keys={"acme": key.id, "acme_revoked": revoked.id, "rival": rival_key.id},
        endpoints=endpoints,
        deliveries=deliveries,
        notifications=notes,
        clock_id=sandbox.id,
        extra={
            "fresh_org": newcomer.id,
            "shipment": Shipment.objects.filter(order_id=orders["shipped"]).values_list("id", flat=True).get(),
            **inspections,
            **talk,
            **qualification,
            **disputes,
            **money_out,
            **_risk_world(acme),
            **_support(buyer),
            **legal,
        },
    )


def _risk_world(acme: Organization) -> dict[str, str]:
    """A payment of Acme's held for risk review, and a frozen organization (risk staff pages)."""
    from tradeshield.risk.models import AccountFreeze, Assessment, RiskCase

    assessment = Assessment.objects.create(kind="payment", organization_id=acme.id, score=70, outcome="review")
    case = RiskCase.objects.create(
        assessment=assessment, kind="payment", organization_id=acme.id, outcome="review", status="pending"
    )
    frozen = orgs.organization_create(name="Frozen Traders", kind=OrgKind.BUYER, country="GB", default_currency="GBP")
    AccountFreeze.objects.create(organization_id=frozen.id, case=None, reason="world")
    return {"risk_case": case.id, "frozen_org": frozen.id}


def _conversations(people: dict[str, Person], orders: dict[str, str], widgets: Organization) -> dict[str, str]:
    """Acme's inquiry to Widgets (answered), Rival's inquiry to Widgets, a message on Acme's paid order,
    and Acme's review of its completed order, reported by Rival's owner."""
    buyer, supplier, stranger = (people[r].actor for r in ("buyer_owner", "supplier_owner", "stranger"))
    inquiry = messaging.inquiry_create(actor=buyer, supplier_id=widgets.id, subject="Panels", body="Price for 500?")
    messaging.inquiry_reply(actor=supplier, thread_id=inquiry.id, body="USD 12.50 each.")
    rival_inquiry = messaging.inquiry_create(actor=stranger, supplier_id=widgets.id, subject="Rival", body="Hello")
    messaging.order_message_post(actor=buyer, order_id=orders["paid"], body="Please wrap the pallets.")
    review = reviews.review_create(
        actor=buyer, order_id=orders["completed"], product_quality=5, delivery_time=4, service=5, text="Good"
    )
    report = reviews.review_report(actor=stranger, review_id=review.id, reason="Looks fake")
    return {"inquiry": inquiry.id, "rival_inquiry": rival_inquiry.id, "review": review.id, "review_report": report.id}


def _qualification(people: dict[str, Person], widgets: Organization, agency_id: str) -> dict[str, str]:
    """Widgets (qualified) files a renewal with a document, now submitted; Check Labs accepted a
    verification visit of Widgets' factory and uploaded one photo."""
    supplier, owner = people["supplier_owner"].actor, people["agency_owner"].actor
    today = clock.today()
    renewal = suppliers.application_create(
        actor=supplier,
        data=suppliers.ApplicationInput(
            license_number="BL-RENEWED",
            license_country="CN",
            license_valid_from=today,
            license_valid_to=today + timedelta(days=1800),
            certifications=[
                suppliers.CertificationInput(
                    "ISO 9001", "Q-1", "SGS", today - timedelta(days=10), today + timedelta(days=900)
                )
            ],
        ),
    )
    document = suppliers.document_add(
        actor=supplier, application_id=renewal.id, kind="business_license", data=PDF, name="license.pdf"
    )
    suppliers.application_submit(actor=supplier, application_id=renewal.id)
    visit = verification.verification_request(actor=supplier, agency_id=agency_id)
    verification.verification_accept(actor=owner, verification_id=visit.id, planned_date=today)
    photo = verification.photo_add(actor=owner, verification_id=visit.id, kind="factory", data=PNG, name="plant.png")
    return {
        "application": renewal.id,
        "qualification_document": document.id,
        "verification": visit.id,
        "verification_photo": str(photo.id),
    }


def _disputes(orders: dict[str, str], buyer: Actor, supplier: Actor) -> dict[str, str]:
    """A dispute in negotiation (with a buyer's photo) and one escalated with a settlement proposed."""
    from django.db import transaction

    from tradeshield.disputes import services as disputes
    from tradeshield.disputes.services import _lock

    negotiating = disputes.dispute_open(
        actor=buyer, order_id=orders["disputed"], reason="quality", remedy="full_refund", description="Flicker."
    )
    evidence = disputes.evidence_add(actor=buyer, dispute_id=negotiating.id, data=PNG, name="flicker.png")
    escalated = disputes.dispute_open(
        actor=buyer, order_id=orders["arbitrated"], reason="damaged", remedy="full_refund", description="Cracked."
    )
    disputes.dispute_counter(actor=supplier, dispute_id=escalated.id, amount=100, text="Small refund.")
    with transaction.atomic():
        order, locked = _lock(escalated.id)
        disputes.escalate(locked, order, None)
    disputes.settlement_propose(actor=supplier, dispute_id=escalated.id, buyer_amount=5_000)
    return {
        "dispute": negotiating.id,
        "dispute_arbitrated": escalated.id,
        "dispute_evidence": evidence.id,
        "dispute_file": evidence.file_id,
    }


def _inspections(
    people: dict[str, Person],
    orders: dict[str, str],
    pays: dict[str, str],
    acme: Organization,
    supplier: Actor,
    buyer: Actor,
) -> dict[str, str]:
    """Check Labs inspects two of Acme's orders: one visit scheduled, one passed with a photo."""
    agency = orgs.organization_create(name="Check Labs", kind=OrgKind.INSPECTION_AGENCY, country="CN")
    AgencyProfile.objects.create(
        organization=agency,
        accreditation="ISO/IEC 17020:2012 Type A",
        accreditation_body="CNAS",
        accreditation_number="IB0001",
        accredited_until=clock.today() + timedelta(days=365),
    )
    for role, member_role in (("agency_owner", "owner"), ("inspector", "inspector")):
        user, secret = _member(agency, member_role, role.replace("_", "-"))
        people[role] = Person(role, user, secret)
    owner, inspector = people["agency_owner"].actor, people["inspector"].actor
    assert inspector.user is not None
    ids: dict[str, str] = {}
    for name in ("inspected", "inspected_passed"):
        terms = _terms("USD")
        order = services.order_create(
            actor=supplier,
            counterparty_id=acme.id,
            terms=services.OrderTerms(**{**terms.__dict__, "inspection_required": True}),
        )
        orders[name] = order.id
        services.order_confirm(actor=supplier, order_id=order.id)
        services.order_confirm(actor=buyer, order_id=order.id)
        pays[name] = paying.order_pay(
            actor=buyer, order_id=order.id, method="card", card=CARD, idempotency_key=str(uuid.uuid4())
        ).id
        visit = booking.visit_request(
            actor=supplier,
            order_id=order.id,
            request=booking.VisitRequest(
                lot_size=500, packed_percent=90, ready_date=clock.today(), site_address="Plant 1", agency_id=agency.id
            ),
        )
        booking.fee_pay(actor=buyer, inspection_id=visit.id, card=CARD)
        booking.visit_schedule(
            actor=owner, inspection_id=visit.id, visit_date=clock.today(), inspector_id=inspector.user.id
        )
        ids["inspection" if name == "inspected" else "inspection_passed"] = visit.id
    photo = file_store(
        data=PNG, name="carton.png", purpose=reports.PHOTO_PURPOSE, organization=agency, uploaded_by=inspector.user
    )
    reports.report_file(
        actor=inspector,
        inspection_id=ids["inspection_passed"],
        report=reports.ReportInput(critical_found=0, major_found=0, minor_found=0, summary="ok", photo_ids=[photo.id]),
    )
    return {**ids, "photo": photo.id, "agency": agency.id}


def _payouts(supplier: Actor, buyer: Actor) -> dict[str, str]:
    """Widgets' verified payout account and a payout in transit; Acme's saved card."""
    account = payout_services.payout_account_add(
        actor=supplier, scheme="iban", holder_name="Shenzhen Widgets", currency="USD", iban="DE89370400440532013000"
    )
    amounts = [int(a) for a in account.verification_amounts.split(",")]
    payout_services.payout_account_verify(actor=supplier, account_id=account.id, amounts=amounts)
    payout = payout_services.payout_create(actor=supplier, account_id=account.id, amount=1_000)
    assert buyer.organization is not None
    saved = payment_services.saved_method_add(buyer=buyer.organization, card=CARD)
    return {"payout_account": account.id, "payout": payout.id, "saved_method": saved.id}


def _support(buyer: Actor) -> dict[str, str]:
    """An open support ticket from Acme's owner, in the in-app chat."""
    from tradeshield.support import services as support

    ticket = support.ticket_open(actor=buyer, subject="Where is my refund?", body="Order paid twice.")
    return {"support_ticket": ticket.id}


def _legal(orders: dict[str, str], buyer: Actor) -> dict[str, str]:
    """A partner law firm, and Acme's consultation with it about the disputed order."""
    from tradeshield.legal import services as legal

    firm = orgs.organization_create(
        name="Lex Partners", kind=OrgKind.LEGAL_PARTNER, country="GB", default_currency="GBP"
    )
    case = legal.consultation_request(buyer, order_id=orders["disputed"], firm_id=firm.id, question="Can we sue?")
    return {"legal_firm": firm.id, "consultation": case.id, "consultation_bundle": case.bundle_id}
