"""Demo payouts and saved cards: a verified payout account, one paid and one in-transit payout for the
lighting supplier, a saved card for the US buyer. Everything goes through the payout services."""

from __future__ import annotations

from django.db import transaction

from tradeshield.accounts.models import User
from tradeshield.organizations.actors import actor_for_user
from tradeshield.payments import services as payments
from tradeshield.payouts import services as payouts
from tradeshield.payouts.models import Payout

DEMO_IBAN = "DE89370400440532013000"
DEMO_SAVED_CARD = {"number": "5555555555554444", "exp_month": 11, "exp_year": 2031, "cvc": "321"}


def seed_payouts() -> None:
    finance = actor_for_user(User.objects.get(email="finance@shenzhen-bright.example"))
    assert finance.organization is not None
    account = payouts.payout_account_add(
        actor=finance, scheme="iban", holder_name="Shenzhen Bright Lighting Co.", currency="USD", iban=DEMO_IBAN
    )
    amounts = [int(a) for a in account.verification_amounts.split(",")]
    payouts.payout_account_verify(actor=finance, account_id=account.id, amounts=amounts)
    available = payouts.balances(finance.organization, "USD").available
    if available >= 2 * 100_000:
        payouts.payout_create(actor=finance, account_id=account.id, amount=available // 2)
        payouts.payouts_settle_in_transit()  # the first one is confirmed by the bank…
        payouts.payout_create(actor=finance, account_id=account.id, amount=available // 4)  # …this one is on its way
    assert Payout.objects.filter(organization=finance.organization).exists() or available < 200_000
    buyer = actor_for_user(User.objects.get(email="buyer@acme-imports.example"))
    assert buyer.organization is not None
    with transaction.atomic():
        payments.saved_method_add(
            buyer=buyer.organization, card=DEMO_SAVED_CARD, created_by_id=buyer.user.id if buyer.user else ""
        )
