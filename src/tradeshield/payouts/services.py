"""Writes for payouts: bank accounts (validated, encrypted, verified by micro-deposits), payouts through
the provider with exactly-once ledger flows, daily settlement batches, and the rolling reserve.

Ledger flows (per organization O and currency C; the source is supplier_available:O:C for a supplier,
agency_payable:O:C for an inspection agency):
  reserve:P            supplier_available -> supplier_reserve   R  on release of payment P (policy %)
  reserve-release:P    supplier_reserve   -> supplier_available R  after the post-sales window
  payout:X             source -> payouts:C   pending while in transit (held: cannot be paid twice)
  payout-paid:X        posts payout:X on the provider's confirmation
  payout-failed:X      voids payout:X: the money is back in the source account
The guarded source account never goes below zero (PostgreSQL CHECK): a payout above what is available
is refused by the database even when two requests race.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tradeshield.kit import clock
from tradeshield.kit.errors import Forbidden
from tradeshield.kit.money import apply_percent, check_amount, check_currency
from tradeshield.ledger import services as ledger
from tradeshield.ledger.errors import InsufficientFunds
from tradeshield.ledger.models import Account, AccountKind
from tradeshield.organizations.actors import Actor
from tradeshield.organizations.models import MemberRole, Organization, OrgKind
from tradeshield.payouts import validation
from tradeshield.payouts.errors import (
    PayoutAccountInvalid,
    PayoutAccountNotFound,
    PayoutConflict,
    PayoutNotFound,
    PayoutRefused,
)
from tradeshield.payouts.models import (
    AccountStatus,
    Payout,
    PayoutAccount,
    PayoutStatus,
    ReserveHold,
    Scheme,
)
from tradeshield.payouts.providers import PAYOUT_PROVIDER, Destination
from tradeshield.risk import services as risk

MAX_VERIFICATION_ATTEMPTS = 3
PAYOUT_ROLES = {MemberRole.OWNER, MemberRole.FINANCE}


# --- accounts in the ledger -------------------------------------------------------------------------


def source_kind(organization: Organization) -> AccountKind:
    if organization.kind == OrgKind.INSPECTION_AGENCY:
        return AccountKind.AGENCY_PAYABLE
    if organization.kind == OrgKind.SUPPLIER:
        return AccountKind.SUPPLIER_AVAILABLE
    raise Forbidden(_("Only suppliers and inspection agencies receive payouts."), code="payouts_not_available")


def source_account(organization: Organization, currency: str) -> Account:
    return ledger.account_ensure(kind=source_kind(organization), currency=currency, owner_ref=organization.id)


def reserve_account(organization_id: str, currency: str) -> Account:
    return ledger.account_ensure(kind=AccountKind.SUPPLIER_RESERVE, currency=currency, owner_ref=organization_id)


def _outside(currency: str) -> Account:
    return ledger.account_ensure(kind=AccountKind.PAYOUTS, currency=currency)


def require_payout_role(actor: Actor) -> Organization:
    if actor.organization is None:
        raise Forbidden(_("Payouts belong to an organization."), code="payouts_not_available")
    source_kind(actor.organization)
    if actor.role not in PAYOUT_ROLES:
        raise Forbidden(_("Only owners and finance members manage payouts."), code="forbidden_role")
    return actor.organization


# --- payout bank accounts -----------------------------------------------------------------------------


def destination_of(account: PayoutAccount) -> Destination:
    return Destination(
        scheme=account.scheme,
        holder_name=account.holder_name,
        currency=account.currency,
        iban=account.iban,
        routing_number=account.routing_number,
        account_number=account.account_number,
    )


@risk.screened
@transaction.atomic
def payout_account_add(
    *,
    actor: Actor,
    scheme: str,
    holder_name: str,
    currency: str,
    iban: str = "",
    routing_number: str = "",
    account_number: str = "",
) -> PayoutAccount:
    """Register a bank account (the caller has re-authenticated); the provider sends two micro-deposits."""
    organization = require_payout_role(actor)
    check_currency(currency)
    holder = holder_name.strip()
    if not holder:
        raise PayoutAccountInvalid(_("The account holder's name is required."), field="holder_name")
    if scheme == Scheme.IBAN:
        number = validation.clean_iban(iban)
        account = PayoutAccount(scheme=scheme, iban=number, country=number[:2], last4=number[-4:])
    elif scheme == Scheme.US_ABA:
        if currency != "USD":
            raise PayoutAccountInvalid(
                _("US bank accounts are paid in USD."), field="currency", code="currency_invalid"
            )
        routing = validation.clean_routing_number(routing_number)
        number = validation.clean_us_account_number(account_number)
        account = PayoutAccount(
            scheme=scheme, routing_number=routing, account_number=number, country="US", last4=number[-4:]
        )
    else:
        raise PayoutAccountInvalid(_("Scheme must be iban or us_aba."), field="scheme", code="scheme_invalid")
    risk.screen(
        kind="account_change",
        actor=actor,
        organization_id=organization.id,
        reference=f"{scheme}:{account.last4}",
        currency=currency,
    )
    account.organization = organization
    account.holder_name = holder[:140]
    account.currency = currency
    account.status = AccountStatus.PENDING_VERIFICATION
    account.created_by_id = actor.user.id if actor.user else ""
    account.save()
    verification = PAYOUT_PROVIDER.start_verification(account_id=account.id, destination=destination_of(account))
    account.provider_reference = verification.reference
    account.verification_amounts = ",".join(str(a) for a in verification.amounts)
    account.save(update_fields=["provider_reference", "verification_amounts"])
    return account


def payout_account_for(actor: Actor, account_id: str) -> PayoutAccount:
    organization = require_payout_role(actor)
    account = PayoutAccount.objects.filter(pk=account_id, organization=organization).first()
    if account is None:
        raise PayoutAccountNotFound(_("No such payout account."), field="payout_account_id")
    return account


def _lock_account(organization: Organization, account_id: str) -> PayoutAccount:
    account = PayoutAccount.objects.select_for_update().filter(pk=account_id, organization=organization).first()
    if account is None:
        raise PayoutAccountNotFound(_("No such payout account."))
    return account


def payout_account_verify(*, actor: Actor, account_id: str, amounts: list[int]) -> PayoutAccount:
    """Confirm the two micro-deposit amounts; three wrong tries and the account must be added again.
    A wrong try is counted (committed) before the refusal is raised."""
    organization = require_payout_role(actor)
    with transaction.atomic():
        account = _lock_account(organization, account_id)
        if account.status != AccountStatus.PENDING_VERIFICATION:
            raise PayoutConflict(
                _("This account is %(status)s.") % {"status": account.status}, code="payout_account_not_pending"
            )
        expected = sorted(int(a) for a in account.verification_amounts.split(",") if a)
        account.updated_at = clock.now()
        if sorted(amounts) == expected:
            account.status, account.verified_at = AccountStatus.VERIFIED, clock.now()
            account.save(update_fields=["status", "verified_at", "updated_at"])
            return account
        account.verification_attempts += 1
        if account.verification_attempts >= MAX_VERIFICATION_ATTEMPTS:
            account.status = AccountStatus.FAILED
        account.save(update_fields=["verification_attempts", "status", "updated_at"])
    left = MAX_VERIFICATION_ATTEMPTS - account.verification_attempts
    raise PayoutAccountInvalid(
        ngettext(
            "Those are not the amounts we sent; %(left)s attempt left.",
            "Those are not the amounts we sent; %(left)s attempts left.",
            left,
        )
        % {"left": left}
        if left
        else _("Verification failed; add the account again."),
        field="amounts",
        code="verification_amounts_wrong",
    )


# --- balances -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Balances:
    currency: str
    available: int
    reserved: int
    in_transit: int


def balances(organization: Organization, currency: str) -> Balances:
    source = Account.objects.filter(id=ledger.account_id_for(source_kind(organization), currency, organization.id))
    reserve = Account.objects.filter(id=ledger.account_id_for(AccountKind.SUPPLIER_RESERVE, currency, organization.id))
    src, res = source.first(), reserve.first()
    return Balances(
        currency=currency,
        available=src.available if src else 0,
        reserved=res.balance if res else 0,
        in_transit=src.totals()[0] if src else 0,
    )


def balance_currencies(organization: Organization) -> list[str]:
    kinds = [source_kind(organization), AccountKind.SUPPLIER_RESERVE]
    found = Account.objects.filter(owner_ref=organization.id, kind__in=kinds).values_list("currency", flat=True)
    return sorted(set(found) | {organization.default_currency})


# --- payouts --------------------------------------------------------------------------------------------


def _payout_start(
    *, organization: Organization, account: PayoutAccount, amount: int, trigger: str, batch_date: date | None
) -> Payout:
    source = source_account(organization, account.currency)
    payout = Payout.objects.create(
        organization=organization,
        account=account,
        source_account_id=source.id,
        currency=account.currency,
        amount=amount,
        status=PayoutStatus.IN_TRANSIT,
        trigger=trigger,
        batch_date=batch_date,
    )
    try:
        ledger.transfer_create(
            id=f"payout:{payout.id}",
            debit=source,
            credit=_outside(account.currency),
            amount=amount,
            code="payout",
            ref=payout.id,
            pending=True,
        )
    except InsufficientFunds as exc:
        raise PayoutRefused(
            _("The payout is more than the available balance."), field="amount", code="payout_exceeds_available"
        ) from exc
    payout.provider_reference = PAYOUT_PROVIDER.send(
        payout_id=payout.id, destination=destination_of(account), amount=amount, currency=account.currency
    )
    payout.save(update_fields=["provider_reference"])
    return payout


@risk.screened
@transaction.atomic
def payout_create(*, actor: Actor, account_id: str, amount: int) -> Payout:
    """An on-demand payout of `amount` (at least the minimum, at most what is available)."""
    organization = require_payout_role(actor)
    check_amount(amount)
    account = _lock_account(organization, account_id)
    if account.status != AccountStatus.VERIFIED:
        raise PayoutConflict(_("Verify this bank account before paying out to it."), code="payout_account_unverified")
    if amount < settings.TRADESHIELD_PAYOUT_MINIMUM:
        raise PayoutRefused(
            _("On-demand payouts start at %(minimum)s minor units; smaller amounts go out with the daily settlement.")
            % {"minimum": settings.TRADESHIELD_PAYOUT_MINIMUM},
            field="amount",
            code="payout_below_minimum",
        )
    if amount > balances(organization, account.currency).available:
        raise PayoutRefused(
            _("The payout is more than the available balance."), field="amount", code="payout_exceeds_available"
        )
    risk.screen(
        kind="payout",
        actor=actor,
        organization_id=organization.id,
        reference=account.id,
        currency=account.currency,
        amount=amount,
    )
    return _payout_start(
        organization=organization, account=account, amount=amount, trigger="on_demand", batch_date=None
    )


def payout_settle(payout: Payout) -> str:
    """Ask the provider how a payout in transit ended, and book it once. Caller holds the row lock."""
    if payout.status != PayoutStatus.IN_TRANSIT:
        return payout.status
    outcome = PAYOUT_PROVIDER.status(reference=payout.provider_reference, destination=destination_of(payout.account))
    now = clock.now()
    if outcome == "paid":
        ledger.transfer_post(id=f"payout-paid:{payout.id}", pending_id=f"payout:{payout.id}", code="payout_paid")
        updated = Payout.objects.filter(pk=payout.pk, status=PayoutStatus.IN_TRANSIT).update(
            status=PayoutStatus.PAID, paid_at=now, updated_at=now
        )
    elif outcome.startswith("failed"):
        ledger.transfer_void(id=f"payout-failed:{payout.id}", pending_id=f"payout:{payout.id}", code="payout_failed")
        updated = Payout.objects.filter(pk=payout.pk, status=PayoutStatus.IN_TRANSIT).update(
            status=PayoutStatus.FAILED, failure_code=outcome.partition(":")[2] or "failed", updated_at=now
        )
    else:
        return payout.status
    if updated != 1:  # pragma: no cover - the row lock makes this unreachable; kept as the CAS guard
        raise PayoutConflict(_("The payout was settled by someone else."))
    payout.refresh_from_db()
    return payout.status


def payouts_settle_in_transit(limit: int = 500) -> int:
    """The periodic confirmation sweep: each payout in transit, locked with SKIP LOCKED, settled once."""
    done = 0
    with transaction.atomic():
        rows = list(
            Payout.objects.select_for_update(skip_locked=True)
            .select_related("account")
            .filter(status=PayoutStatus.IN_TRANSIT)
            .order_by("pk")[:limit]
        )
        for payout in rows:
            if payout_settle(payout) != PayoutStatus.IN_TRANSIT:
                done += 1
    return done


def settlement_batch_run(day: date | None = None) -> int:
    """The daily settlement: every organization with a verified account gets its whole available balance
    in that account's currency (at most one batch payout per organization, currency and day)."""
    day = day or clock.today()
    made = 0
    latest: dict[tuple[str, str], PayoutAccount] = {}
    for account in PayoutAccount.objects.filter(status=AccountStatus.VERIFIED).order_by("verified_at", "pk"):
        latest[(account.organization_id, account.currency)] = account
    for account in latest.values():
        with transaction.atomic():
            organization = Organization.objects.get(pk=account.organization_id)
            if Payout.objects.filter(organization=organization, currency=account.currency, batch_date=day).exists():
                continue
            available = balances(organization, account.currency).available
            if available <= 0:
                continue
            _payout_start(organization=organization, account=account, amount=available, trigger="batch", batch_date=day)
            made += 1
    return made


# --- rolling reserve --------------------------------------------------------------------------------------


def reserve_days() -> int:
    return int(settings.TRADESHIELD_PAYOUT_RESERVE_DAYS)


def reserve_percent() -> Decimal:
    return Decimal(settings.TRADESHIELD_PAYOUT_RESERVE_PERCENT)


def reserve_claim(*, payment_id: str, supplier_id: str, currency: str, released: int) -> ledger.Movement | None:
    """Keep the policy share of a release in the supplier's reserve for the post-sales window: the reserve's
    row, and its ledger movement (`reserve:P`) for the caller to apply with the release it depends on.
    None when there is nothing to keep or the payment has its reserve already (idempotent per payment)."""
    amount = apply_percent(released, reserve_percent())
    if amount <= 0 or not _reserve_row_claim(
        payment_id=payment_id,
        organization_id=supplier_id,
        currency=currency,
        amount=amount,
        release_at=clock.now() + timedelta(days=settings.TRADESHIELD_PAYOUT_RESERVE_DAYS),
    ):
        return None
    return ledger.single(
        id=f"reserve:{payment_id}",
        debit=ledger.account_ensure(kind=AccountKind.SUPPLIER_AVAILABLE, currency=currency, owner_ref=supplier_id),
        credit=reserve_account(supplier_id, currency),
        amount=amount,
        code="reserve_hold",
        ref=payment_id,
    )


def _reserve_row_claim(
    *, payment_id: str, organization_id: str, currency: str, amount: int, release_at: datetime
) -> bool:
    """Insert the payment's reserve row unless it has one already (its primary key), in one statement:
    True if this call inserted it."""
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {ReserveHold._meta.db_table} (payment_id, organization_id, currency, amount, release_at,"
            " released_at, created_at) VALUES (%s, %s, %s, %s, %s, NULL, %s)"
            " ON CONFLICT (payment_id) DO NOTHING RETURNING payment_id",
            [payment_id, organization_id, currency, amount, release_at, clock.now()],
        )
        return cur.fetchone() is not None


def reserves_release_due(limit: int = 500) -> int:
    """The periodic sweep: reserves whose window has ended go back to available, each exactly once."""
    with transaction.atomic():
        due = list(
            ReserveHold.objects.select_for_update(skip_locked=True)
            .filter(released_at__isnull=True, release_at__lte=clock.now())
            .order_by("pk")[:limit]
        )
        for hold in due:
            ledger.transfer_create(
                id=f"reserve-release:{hold.payment_id}",
                debit=reserve_account(hold.organization_id, hold.currency),
                credit=ledger.account_ensure(
                    kind=AccountKind.SUPPLIER_AVAILABLE, currency=hold.currency, owner_ref=hold.organization_id
                ),
                amount=hold.amount,
                code="reserve_release",
                ref=hold.payment_id,
            )
            ReserveHold.objects.filter(pk=hold.pk, released_at__isnull=True).update(released_at=clock.now())
    return len(due)


def payout_get_for(organization: Organization, payout_id: str) -> Payout:
    payout = Payout.objects.select_related("account").filter(pk=payout_id, organization=organization).first()
    if payout is None:
        raise PayoutNotFound(_("No such payout."))
    return payout
