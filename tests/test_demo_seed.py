import pytest
from django.contrib.auth import authenticate

from tests.helpers import assert_books_balance
from tradeshield.demo.accounts import DEMO_ACCOUNTS
from tradeshield.demo.seed import seed_demo
from tradeshield.disputes.models import Dispute
from tradeshield.inspections.models import Inspection
from tradeshield.orders.models import Order
from tradeshield.orders.states import OrderStatus

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
    for account in DEMO_ACCOUNTS:
        assert authenticate(username=account["email"], password=account["password"]) is not None, account
    assert seed_demo(if_empty=True) is False
