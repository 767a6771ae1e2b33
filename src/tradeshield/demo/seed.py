"""A demo marketplace: buyers and suppliers in several countries and currencies, orders in every state.

Everything goes through the same services the app uses, so the demo's money is real ledger money.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from tradeshield.accounts.models import StaffRole, User
from tradeshield.accounts.services import user_set_preferred_language
from tradeshield.demo.accounts import DEMO_PASSWORD
from tradeshield.kit import clock
from tradeshield.orders import amendments, paying, services
from tradeshield.orders.models import Order
from tradeshield.organizations import services as orgs
from tradeshield.organizations.actors import Actor, actor_for_user
from tradeshield.organizations.models import MemberRole, Organization, OrgKind
from tradeshield.payments.providers import WALLET_PROVIDER
from tradeshield.shipments import services as shipping

VISA = {"number": "4242424242424242", "exp_month": 12, "exp_year": clock.today().year + 3, "cvc": "123"}
MASTERCARD = {
    "number": "5555555555554444",
    "exp_month": 6,
    "exp_year": clock.today().year + 2,
    "cvc": "321",
    "country": "JP",
}


def _org(name: str, kind: str, country: str, currency: str, langs: list[str], *members: tuple[str, str]) -> Actor:
    org = orgs.organization_create(
        name=name, kind=OrgKind(kind), country=country, languages=langs, default_currency=currency
    )
    if kind == OrgKind.BUYER:
        # Established importers, not accounts opened a minute ago (risk monitoring scores new accounts).
        Organization.objects.filter(pk=org.pk).update(created_at=clock.now() - timedelta(days=730))
    actors = [
        actor_for_user(
            orgs.member_create(
                organization=org, email=email, password=DEMO_PASSWORD, role=role, full_name=email.split("@")[0].title()
            )
        )
        for email, role in members
    ]
    return actors[0]


def _staff(email: str, role: str) -> None:
    if role == StaffRole.ADMIN:
        User.objects.create_superuser(email, DEMO_PASSWORD, full_name="Platform Admin")
    else:
        User.objects.create_user(email, DEMO_PASSWORD, staff_role=role, full_name=email.split("@")[0].title())


def _line(name: str, qty: str, unit: str, price: int, specs: str) -> services.LineInput:
    return services.LineInput(
        product_name=name, quantity=Decimal(qty), unit=unit, unit_price=price, specifications=specs
    )


def _order(
    supplier: Actor,
    buyer: Actor,
    title: str,
    currency: str,
    incoterm: str,
    place: str,
    lines: list[services.LineInput],
    deposit: str | None = None,
    days: int = 30,
) -> Order:
    terms = services.OrderTerms(
        title=title,
        currency=currency,
        incoterm=incoterm,
        named_place=place,
        lines=lines,
        ship_by_date=clock.today() + timedelta(days=days),
        deposit_percent=Decimal(deposit) if deposit else None,
    )
    assert buyer.organization is not None
    return services.order_create(actor=supplier, counterparty_id=buyer.organization.id, terms=terms)


def _confirmed(supplier: Actor, buyer: Actor, *args: object, **kwargs: object) -> Order:
    order = _order(supplier, buyer, *args, **kwargs)  # type: ignore[arg-type]
    services.order_confirm(actor=supplier, order_id=order.id)
    services.order_confirm(actor=buyer, order_id=order.id)
    return order


# (kind, hours ago, location, new ETA in days from now or None)
TRACK = tuple[str, float, str, int | None]


def _ship(
    supplier: Actor,
    order: Order,
    tracking: str,
    route: tuple[str, str],
    eta_days: int,
    events: Sequence[TRACK],
    carrier: str = "COSCO Shipping",
    mode: str = "sea",
) -> None:
    """A shipment with everything ordered and the carrier's events so far (the order follows them)."""
    now = clock.now()
    shipment = shipping.shipment_create(
        actor=supplier,
        order_id=order.id,
        mode=mode,
        carrier=carrier,
        tracking_number=tracking,
        origin=route[0],
        destination=route[1],
        estimated_arrival=now + timedelta(days=eta_days),
    )
    for kind, hours_ago, location, eta in events:
        shipping.shipment_event_add(
            actor=supplier,
            shipment_id=shipment.id,
            event=shipping.EventInput(
                kind=kind,
                occurred_at=now - timedelta(hours=hours_ago),
                location=location,
                eta=now + timedelta(days=eta) if eta is not None else None,
            ),
        )


@transaction.atomic
def _seed() -> None:
    acme = _org("Acme Imports Inc.", "buyer", "US", "USD", ["en"], ("buyer@acme-imports.example", MemberRole.OWNER))
    rhein = _org(
        "Rhein Handel GmbH", "buyer", "DE", "EUR", ["de", "en"], ("einkauf@rhein-handel.example", MemberRole.OWNER)
    )
    sakura = _org(
        "Sakura Trading K.K.", "buyer", "JP", "JPY", ["ja", "en"], ("kobai@sakura-trading.example", MemberRole.OWNER)
    )
    gulf = _org(
        "Gulf Supply Co.", "buyer", "KW", "KWD", ["ar", "en"], ("purchasing@gulf-supply.example", MemberRole.OWNER)
    )
    # Gulf Supply's buyer reads the app in Arabic, right to left (the language menu switches it back).
    assert gulf.user is not None
    user_set_preferred_language(user=gulf.user, language="ar")
    bright = _org(
        "Shenzhen Bright Lighting Co.",
        "supplier",
        "CN",
        "USD",
        ["zh-hans", "en"],
        ("sales@shenzhen-bright.example", MemberRole.OWNER),
        ("finance@shenzhen-bright.example", MemberRole.FINANCE),
    )
    saigon = _org(
        "Saigon Textiles JSC",
        "supplier",
        "VN",
        "USD",
        ["vi", "en"],
        ("sales@saigon-textiles.example", MemberRole.OWNER),
    )
    for email, role in [
        ("admin@tradeshield.example", StaffRole.ADMIN),
        ("expert@tradeshield.example", StaffRole.TRADE_EXPERT),
        ("support@tradeshield.example", StaffRole.SUPPORT_AGENT),
        ("reviewer@tradeshield.example", StaffRole.REVIEWER),
    ]:
        _staff(email, role)
    ningbo = _org(
        "Ningbo Homeware Co., Ltd.",
        "supplier",
        "CN",
        "USD",
        ["zh-hans", "en"],
        ("sales@ningbo-homeware.example", MemberRole.OWNER),
    )
    from tradeshield.demo.qualification_seed import seed_qualification  # it builds on this module's helpers

    seed_qualification(bright, saigon, ningbo)

    led = [_line("LED panel 60x60 cm", "500", "pcs", 1_850, "4000 K, 40 W, CE/RoHS, 5-year warranty")]
    towels = [
        _line("Cotton bath towel 70x140", "2000", "pcs", 420, "500 gsm, 100 % combed cotton, white"),
        _line("Hand towel 40x70", "2000", "pcs", 160, "500 gsm, white"),
    ]

    _order(bright, acme, "LED panels — spring catalogue", "USD", "FOB", "Shenzhen (Yantian)", led)  # draft
    _confirmed(
        bright,
        acme,
        "Warehouse high-bay lights",
        "USD",
        "CIF",
        "Los Angeles",
        [_line("High-bay UFO light 150 W", "120", "pcs", 3_990, "IP65, 5000 K")],
    )  # awaiting payment

    deposit = _confirmed(
        saigon, rhein, "Hotel towels — deposit paid", "EUR", "FOB", "Ho Chi Minh City", towels, deposit="30"
    )
    paying.order_pay(actor=rhein, order_id=deposit.id, method="card", card=VISA)

    paid = _confirmed(
        bright,
        sakura,
        "Street lights for Osaka depot",
        "JPY",
        "DAP",
        "Osaka",
        [_line("Solar street light 100 W", "80", "pcs", 24_800, "LiFePO4, 12 h autonomy")],
    )
    paying.order_pay(actor=sakura, order_id=paid.id, method="card", card=MASTERCARD)

    tt = _confirmed(
        bright,
        gulf,
        "Panel lights for Kuwait City offices",
        "KWD",
        "CFR",
        "Shuwaikh port",
        [_line("Slim panel 30x120", "300", "pcs", 5_750, "36 W, 4000 K")],
    )
    paying.order_pay(actor=gulf, order_id=tt.id, method="bank_transfer")  # awaiting the T/T

    shipped = _confirmed(saigon, acme, "Beach towels — summer line", "USD", "FOB", "Ho Chi Minh City", towels)
    paying.order_pay(
        actor=acme,
        order_id=shipped.id,
        method="echeck",
        bank_account={"routing_number": "011000015", "account_number": "000123456789"},
    )
    _ship(
        saigon,
        shipped,
        "COSU6203318820",
        ("Cat Lai, Ho Chi Minh City", "Long Beach"),
        18,
        [
            ("booked", 72, "Cat Lai", None),
            ("picked_up", 50, "Binh Duong factory", None),
            ("departed", 20, "Cat Lai", 21),
        ],
    )

    delivered = _confirmed(
        bright,
        rhein,
        "Linear lights for Hamburg warehouse",
        "EUR",
        "DDP",
        "Hamburg",
        [_line("Linear LED 1.5 m", "400", "pcs", 2_150, "60 W, IP66")],
    )
    wallet = paying.order_pay(actor=rhein, order_id=delivered.id, method="wallet", wallet="paypal")
    paying.wallet_return(actor=rhein, payment_id=wallet.id, approval_token=WALLET_PROVIDER.approval_token(wallet.id))
    _ship(
        bright,
        delivered,
        "MAEU2290014",
        ("Yantian, Shenzhen", "Hamburg"),
        -1,
        [
            ("picked_up", 24 * 9, "Shenzhen factory", None),
            ("departed", 24 * 8, "Yantian", 0),
            ("arrived_at_port", 24 * 2, "Hamburg", None),
            ("customs", 24 * 1, "Hamburg", None),
            ("delivered", 5, "Hamburg warehouse", None),
        ],
        carrier="Maersk",
    )

    done = _confirmed(
        bright,
        acme,
        "Emergency exit signs",
        "USD",
        "EXW",
        "Shenzhen",
        [_line("Exit sign, double-sided", "250", "pcs", 1_290, "UL 924, 3 h battery")],
    )
    paying.order_pay(actor=acme, order_id=done.id, method="card", card=VISA)
    _ship(
        bright,
        done,
        "1Z999AA10123456784",
        ("Shenzhen", "Chicago"),
        4,
        [("picked_up", 30, "Shenzhen", None), ("departed", 26, "Hong Kong (HKG)", None)],
        carrier="UPS",
        mode="express",
    )
    paying.order_confirm_receipt(actor=acme, order_id=done.id)

    amended = _confirmed(
        saigon,
        sakura,
        "Yukata cotton fabric",
        "JPY",
        "CIF",
        "Yokohama",
        [_line("Printed cotton fabric", "1500", "m", 780, "140 cm width, indigo print")],
    )
    proposal = amendments.amendment_propose(
        actor=saigon, order_id=amended.id, changes={"named_place": "Tokyo (Oi terminal)"}, reason="Buyer asked"
    )
    amendments.amendment_decide(actor=sakura, amendment_id=proposal.id, accept=True)

    cancelled = _confirmed(
        bright,
        gulf,
        "Floodlights (cancelled)",
        "KWD",
        "FOB",
        "Shenzhen",
        [_line("Floodlight 200 W", "40", "pcs", 9_900, "IP66")],
    )
    paying.order_cancel(actor=gulf, order_id=cancelled.id, reason="Project postponed")

    refunded = _confirmed(
        bright,
        acme,
        "Downlights (supplier out of stock)",
        "USD",
        "FOB",
        "Shenzhen",
        [_line("Downlight 12 W", "1000", "pcs", 390, "3000 K, cut-out 110 mm")],
    )
    paying.order_pay(actor=acme, order_id=refunded.id, method="card", card=VISA)
    paying.order_cancel(actor=bright, order_id=refunded.id, reason="Out of stock until Q3")


def seed_demo(if_empty: bool = True, progress: Callable[[str], None] | None = None) -> bool:
    """Create the demo marketplace. With `if_empty`, do nothing when organizations already exist."""
    if if_empty and Organization.objects.exists():
        return False
    if progress:
        progress("Seeding the demo marketplace…")
    _seed()
    from tradeshield.demo.inspection_seed import seed_inspections  # it builds on this module's helpers

    seed_inspections()
    from tradeshield.demo.qualification_seed import seed_verification

    seed_verification()

    from tradeshield.demo.talk_seed import seed_conversations  # builds on the orders above

    seed_conversations()
    from tradeshield.demo.ops_seed import seed_operations

    seed_operations()

    from tradeshield.demo.payout_seed import seed_payouts

    seed_payouts()

    from tradeshield.demo.credit_seed import seed_directory

    seed_directory()

    from tradeshield.demo.dispute_seed import seed_disputes

    seed_disputes()

    from tradeshield.demo.fx_seed import seed_fx_rates

    seed_fx_rates()

    from tradeshield.demo.support_seed import seed_support

    seed_support()

    from tradeshield.demo.legal_seed import seed_legal

    seed_legal()
    return True
