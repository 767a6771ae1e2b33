"""Demo data for the staff vital-signs page: a paid order that missed its ship-by date and was compensated.

The rest of the page (money in escrow, orders by state, jobs, workers) comes from the demo marketplace
and the running worker. The late order's deadline is backdated (a demo shortcut), then the real sweep
pays the compensation, exactly as it would in production.
"""

from __future__ import annotations

from datetime import timedelta

from tradeshield.accounts.models import User
from tradeshield.demo import seed as base
from tradeshield.kit import clock
from tradeshield.orders import paying
from tradeshield.orders.models import Order
from tradeshield.organizations.actors import actor_for_user
from tradeshield.protections.services import sweep


def seed_operations() -> None:
    buyer = actor_for_user(User.objects.get(email="purchasing@gulf-supply.example"))
    supplier = actor_for_user(User.objects.get(email="sales@shenzhen-bright.example"))
    for title, days_late in (("Street lights (late)", 5), ("Solar lamps (late)", 2)):
        order = base._confirmed(
            supplier,
            buyer,
            title,
            "USD",
            "FOB",
            "Shenzhen",
            [base._line("Street light 150 W", "60", "pcs", 8_500, "IP66, 5700 K")],
            days=5,
        )
        paying.order_pay(actor=buyer, order_id=order.id, method="card", card=base.VISA)
        Order.objects.filter(pk=order.id).update(ship_deadline=clock.today() - timedelta(days=days_late))
    sweep()  # compensates the late orders (10 %, capped at USD 100) as the worker would
