"""Payment provider interfaces, and the built-in sandbox that implements each of them.

A real card acquirer, bank or wallet implements the same Protocol; `provider_for` picks one per
method. The sandbox decides outcomes from well-known test inputs, like the public test modes of
card processors: 4000 0000 0000 0002 is declined, 4000 0000 0000 9995 has insufficient funds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from tradeshield.payments.cards import CheckedCard


@dataclass(frozen=True)
class ChargeResult:
    approved: bool
    reference: str = ""
    token: str = ""
    decline_code: str = ""
    decline_message: str = ""


class CardProvider(Protocol):
    name: str

    def charge(self, *, card: CheckedCard, amount: int, currency: str, idempotency_key: str) -> ChargeResult: ...

    def refund(self, *, reference: str, amount: int, currency: str, idempotency_key: str) -> str: ...

    def tokenize(self, *, card: CheckedCard) -> str:
        """A reusable token for the card (the provider keeps the number); we store only the token."""
        ...

    def charge_token(self, *, token: str, amount: int, currency: str, idempotency_key: str) -> ChargeResult: ...


class BankDebitProvider(Protocol):
    name: str

    def debit(
        self, *, routing_number: str, account_number: str, amount: int, currency: str, idempotency_key: str
    ) -> ChargeResult: ...

    def refund(self, *, reference: str, amount: int, currency: str, idempotency_key: str) -> str: ...


class WalletProvider(Protocol):
    name: str

    def start(self, *, payment_id: str, wallet: str, amount: int, currency: str) -> str: ...

    def verify(self, *, payment_id: str, approval_token: str) -> bool: ...

    def refund(self, *, reference: str, amount: int, currency: str, idempotency_key: str) -> str: ...


class BankTransferProvider(Protocol):
    name: str

    def instructions(self, *, reference: str, amount: int, currency: str) -> dict[str, str]: ...

    def refund(self, *, reference: str, amount: int, currency: str, idempotency_key: str) -> str: ...


SANDBOX_DECLINES = {
    "4000000000000002": ("card_declined", "The card was declined."),
    "4000000000009995": ("insufficient_funds", "The card has insufficient funds."),
    "4000000000000069": ("expired_card", "The issuer reports the card as expired."),
}


def _ref(prefix: str, idempotency_key: str) -> str:
    return f"{prefix}_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]


class SandboxCards:
    name = "sandbox_card"

    def charge(self, *, card: CheckedCard, amount: int, currency: str, idempotency_key: str) -> ChargeResult:
        if card.number in SANDBOX_DECLINES:
            code, message = SANDBOX_DECLINES[card.number]
            return ChargeResult(approved=False, decline_code=code, decline_message=message)
        return ChargeResult(approved=True, reference=_ref("ch", idempotency_key), token=_ref("tok", card.number))

    def refund(self, *, reference: str, amount: int, currency: str, idempotency_key: str) -> str:
        return _ref("re", idempotency_key)

    def tokenize(self, *, card: CheckedCard) -> str:
        return _ref("tok", card.number)

    def charge_token(self, *, token: str, amount: int, currency: str, idempotency_key: str) -> ChargeResult:
        for number, (code, message) in SANDBOX_DECLINES.items():
            if token == _ref("tok", number):
                return ChargeResult(approved=False, decline_code=code, decline_message=message)
        return ChargeResult(approved=True, reference=_ref("ch", idempotency_key), token=token)


class SandboxBankDebit:
    name = "sandbox_ach"

    def debit(
        self, *, routing_number: str, account_number: str, amount: int, currency: str, idempotency_key: str
    ) -> ChargeResult:
        if account_number.endswith("0002"):
            return ChargeResult(
                approved=False, decline_code="account_closed", decline_message="The bank account is closed."
            )
        return ChargeResult(approved=True, reference=_ref("ach", idempotency_key))

    def refund(self, *, reference: str, amount: int, currency: str, idempotency_key: str) -> str:
        return _ref("achre", idempotency_key)


class SandboxWallets:
    """A wallet redirect flow: the buyer approves on the wallet's page, which hands back a signed token."""

    name = "sandbox_wallet"

    def _sign(self, payment_id: str) -> str:
        return hmac.new(settings.SECRET_KEY.encode(), f"wallet:{payment_id}".encode(), hashlib.sha256).hexdigest()

    def start(self, *, payment_id: str, wallet: str, amount: int, currency: str) -> str:
        return f"{settings.TRADESHIELD_PUBLIC_URL}/sandbox/wallet/{payment_id}"

    def approval_token(self, payment_id: str) -> str:
        return self._sign(payment_id)

    def verify(self, *, payment_id: str, approval_token: str) -> bool:
        return hmac.compare_digest(self._sign(payment_id), approval_token)

    def refund(self, *, reference: str, amount: int, currency: str, idempotency_key: str) -> str:
        return _ref("wre", idempotency_key)


class SandboxLocalMethods(SandboxWallets):
    """Local methods paid on the payer's own bank or voucher page (SEPA transfer, Boleto): the same
    approve-and-return flow as a wallet, confirmed with a signed token (a real PSP sends a webhook)."""

    name = "sandbox_local"

    def refund(self, *, reference: str, amount: int, currency: str, idempotency_key: str) -> str:
        return _ref("lre", idempotency_key)


class SandboxBank:
    name = "sandbox_bank"

    def instructions(self, *, reference: str, amount: int, currency: str) -> dict[str, str]:
        return {
            "beneficiary": "TradeShield Escrow Ltd. client money account",
            "bank": "Sandbox Bank plc",
            "swift": "SANDGB2L",
            "iban": "GB00SAND00000012345678",
            "reference": reference,
            "note": _(
                "Put the reference in the payment details, exactly as shown. Only transfers to this "
                "account with this reference are protected."
            ),
        }

    def refund(self, *, reference: str, amount: int, currency: str, idempotency_key: str) -> str:
        return _ref("tt", idempotency_key)


def new_bank_reference() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    body = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"TS{body}"


CARD_PROVIDER: CardProvider = SandboxCards()
BANK_DEBIT_PROVIDER: BankDebitProvider = SandboxBankDebit()
WALLET_PROVIDER = SandboxWallets()
LOCAL_PROVIDER = SandboxLocalMethods()
BANK_TRANSFER_PROVIDER: BankTransferProvider = SandboxBank()


def redirect_provider(method: str) -> SandboxWallets:
    """The provider of a method the buyer approves elsewhere: wallets, or local bank methods."""
    return WALLET_PROVIDER if method == "wallet" else LOCAL_PROVIDER


def redirect_provider_named(name: str) -> SandboxWallets | None:
    return {p.name: p for p in (WALLET_PROVIDER, LOCAL_PROVIDER)}.get(name)
