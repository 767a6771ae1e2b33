"""Demo conversations and reviews: inquiries answered after varied delays (so the response rate and
median first-response time have something to show), an order conversation, and reviews of the
completed orders with a supplier's reply. Built on `seed.py`'s marketplace."""

from __future__ import annotations

from datetime import datetime, timedelta

from tradeshield.accounts.models import User
from tradeshield.demo.seed import VISA, _confirmed, _line, _ship
from tradeshield.kit import clock
from tradeshield.messaging import services as messaging
from tradeshield.orders import paying
from tradeshield.orders.models import Order
from tradeshield.orders.states import OrderStatus
from tradeshield.organizations.actors import Actor, actor_for_user
from tradeshield.reviews import services as reviews


def _actor(email: str) -> Actor:
    return actor_for_user(User.objects.get(email=email))


def _inquiry(
    buyer: Actor,
    supplier: Actor,
    asked: datetime,
    subject: str,
    body: str,
    replies: list[tuple[timedelta, Actor, str]],
    **extra: str,
) -> None:
    assert supplier.organization is not None
    with clock.frozen_at(asked):
        thread = messaging.inquiry_create(
            actor=buyer, supplier_id=supplier.organization.id, subject=subject, body=body, **extra
        )
    for after, who, text in replies:
        with clock.frozen_at(asked + after):
            messaging.inquiry_reply(actor=who, thread_id=thread.id, body=text)


def seed_conversations() -> None:
    acme, rhein = _actor("buyer@acme-imports.example"), _actor("einkauf@rhein-handel.example")
    sakura, gulf = _actor("kobai@sakura-trading.example"), _actor("purchasing@gulf-supply.example")
    bright, saigon = _actor("sales@shenzhen-bright.example"), _actor("sales@saigon-textiles.example")
    now = clock.now()
    hours, days = timedelta(hours=1), timedelta(days=1)

    _inquiry(
        acme,
        bright,
        now - 6 * days,
        "Quote for 2,000 LED tubes",
        "Hello, could you quote 2,000 T8 LED tubes (1.2 m, 18 W, 4000 K) FOB Yantian?",
        [
            (3 * hours, bright, "Dear Acme team, USD 2.35 per piece FOB Yantian, lead time 25 days. CE/RoHS included."),
            (5 * hours, acme, "Thanks. Can you do USD 2.20 for 3,000 pieces?"),
            (7 * hours, bright, "Yes, USD 2.20 for 3,000 pieces works for us. Shall I issue the order?"),
        ],
        product="T8 LED tube 1.2 m",
        quantity="2,000 pcs",
    )
    _inquiry(
        rhein,
        bright,
        now - 4 * days,
        "CE and ENEC certificates",
        "Guten Tag, please send the CE declaration and the ENEC certificate for the linear LED 1.5 m.",
        [(26 * hours, bright, "Sorry for the delay, our certification manager was travelling. Both attached soon.")],
        product="Linear LED 1.5 m",
    )
    _inquiry(
        sakura,
        saigon,
        now - 3 * days,
        "Organic cotton yukata fabric",
        "Do you offer GOTS-certified organic cotton in 140 cm width? We need about 3,000 m.",
        [
            (40 * timedelta(minutes=1), saigon, "Yes: GOTS organic cotton, 140 cm, 9.20 USD/m for 3,000 m."),
            (2 * hours, sakura, "Could you send a swatch to Yokohama?"),
            (3 * hours, saigon, "Of course, it leaves tomorrow by express courier."),
        ],
        quantity="3,000 m",
    )
    _inquiry(
        acme,
        saigon,
        now - 10 * days,
        "Hotel towel samples",
        "Could you send two samples of your 500 gsm bath towel?",
        [(5 * hours, saigon, "Samples sent today, tracking to follow.")],
    )
    _inquiry(
        gulf,
        bright,
        now - 2 * hours,
        "Dimmable panel lights",
        "Are your slim panels available with DALI dimming? 300 pieces.",
        [],
        product="Slim panel 30x120",
        quantity="300 pcs",
    )

    # the order conversation of the shipped towels
    shipped = Order.objects.filter(status=OrderStatus.SHIPPED, title__startswith="Beach towels").first()
    if shipped is not None:
        with clock.frozen_at(now - 20 * hours):
            messaging.order_message_post(
                actor=acme, order_id=shipped.id, body="Hi! Can you confirm the container left Cat Lai on time?"
            )
        with clock.frozen_at(now - 18 * hours):
            messaging.order_message_post(
                actor=saigon,
                order_id=shipped.id,
                body="Yes, it departed yesterday; the carrier expects Long Beach in about 18 days.",
            )

    # one more completed order, then reviews of the completed orders, one with the supplier's reply
    towels = _confirmed(
        saigon,
        rhein,
        "Spa towels (delivered)",
        "EUR",
        "FOB",
        "Ho Chi Minh City",
        [_line("Spa towel 50x100", "600", "pcs", 310, "600 gsm, grey")],
    )
    paying.order_pay(actor=rhein, order_id=towels.id, method="card", card=VISA)
    handed_over = [("picked_up", 24 * 21, "Ho Chi Minh City", None), ("departed", 24 * 20, "Cat Lai", None)]
    _ship(saigon, towels, "COSU6203319944", ("Cat Lai", "Hamburg"), -2, handed_over)
    paying.order_confirm_receipt(actor=rhein, order_id=towels.id)

    words = {
        "bright": (
            5,
            4,
            5,
            "Exit signs exactly as specified, well packed; shipped two days late but they kept us informed.",
        ),
        "saigon": (4, 5, 4, "Soft, heavy towels. Colour slightly lighter than the sample, otherwise perfect."),
    }
    for order in Order.objects.filter(status=OrderStatus.COMPLETED).select_related("buyer", "supplier"):
        buyer = next(a for a in (acme, rhein, sakura, gulf) if a.org_id == order.buyer_id)
        key = "bright" if order.supplier_id == bright.org_id else "saigon"
        quality, delivery, service, text = words[key]
        review = reviews.review_create(
            actor=buyer, order_id=order.id, product_quality=quality, delivery_time=delivery, service=service, text=text
        )
        if key == "bright":
            reviews.review_reply(
                actor=bright,
                review_id=review.id,
                text="Thank you! We have added a buffer to our shipping schedule so it leaves on time next time.",
            )
