import pytest
from django.contrib.auth import authenticate

from tests.helpers import assert_books_balance
from tradeshield.demo.accounts import DEMO_ACCOUNTS
from tradeshield.demo.seed import seed_demo
from tradeshield.disputes.models import Dispute
from tradeshield.inspections.models import Inspection
from tradeshield.messaging.models import Thread
from tradeshield.orders.models import Order
from tradeshield.orders.states import OrderStatus
from tradeshield.organizations.models import Organization
from tradeshield.reviews.models import Review, ReviewReply
from tradeshield.suppliers.selectors import supplier_trust_facts

pytestmark = pytest.mark.django_db


def test_demo_has_orders_in_every_state_and_balanced_books():
    assert seed_demo(if_empty=True) is True
    assert set(Order.objects.values_list("status", flat=True)) == set(OrderStatus.values)
    assert set(Order.objects.values_list("currency", flat=True)) >= {"USD", "EUR", "JPY", "KWD"}
    assert sorted(Inspection.objects.values_list("status", flat=True)) == ["booked", "failed", "passed"]
    disputes = {d.status: d for d in Dispute.objects.select_related("expert")}
    assert set(disputes) == {"negotiating", "escalated"}
    assert disputes["escalated"].expert.email == "expert@tradeshield.example"
    assert_books_balance()
    from tradeshield.payments.exchange import rate_lock

    assert rate_lock("USD", "EUR").rate > 0 and rate_lock("EUR", "JPY").rate > 0  # fresh: the demo can pay in FX
    assert Thread.objects.filter(kind="inquiry").count() == 5 and Thread.objects.filter(kind="order").count() == 1
    completed = Order.objects.filter(status=OrderStatus.COMPLETED).count()
    assert completed >= 2 and Review.objects.count() == completed and ReviewReply.objects.count() >= 1

    from tradeshield.credit.models import CreditRating, CreditStanding

    assert CreditStanding.objects.count() == Organization.objects.filter(kind="supplier").count() >= 7
    ningbo = CreditStanding.objects.get(supplier__name="Ningbo Precision Valves Co.")
    assert CreditRating.objects.filter(supplier_id=ningbo.supplier_id).count() >= 5  # a history to draw
    assert ningbo.score > CreditStanding.objects.get(supplier__name="Hanoi Lamp Studio").score

    suppliers = {o.name: o.id for o in Organization.objects.filter(kind="supplier")}
    facts = supplier_trust_facts(list(suppliers.values()))
    bright, saigon = facts[suppliers["Shenzhen Bright Lighting Co."]], facts[suppliers["Saigon Textiles JSC"]]
    assert bright.qualified and bright.verified and {c["standard"] for c in bright.certifications} >= {"ISO 9001"}
    assert saigon.qualified and not saigon.verified
    assert facts[suppliers["Ningbo Homeware Co., Ltd."]].status == "pending"
    for account in DEMO_ACCOUNTS:
        assert authenticate(username=account["email"], password=account["password"]) is not None, account
    assert seed_demo(if_empty=True) is False
