"""The payout provider interface, and the sandbox that implements it.

A real bank or payout service implements `PayoutProvider`; `PAYOUT_PROVIDER` picks the one in use.
The sandbox verifies accounts with two micro-deposits whose amounts it derives from the account
reference, and pays everything out except to accounts whose number (or IBAN) ends in 0002, which
the "bank" returns, as the payments sandbox does for closed ACH accounts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Destination:
    scheme: str
    holder_name: str
    currency: str
    iban: str = ""
    routing_number: str = ""
    account_number: str = ""

    @property
    def number(self) -> str:
        return self.iban or self.account_number


@dataclass(frozen=True)
class Verification:
    reference: str
    amounts: tuple[int, int]  # what the provider sent; the holder reads them on their statement


class PayoutProvider(Protocol):
    name: str

    def start_verification(self, *, account_id: str, destination: Destination) -> Verification: ...

    def send(self, *, payout_id: str, destination: Destination, amount: int, currency: str) -> str:
        """Submit a payout (idempotent per payout id); returns the provider's reference."""
        ...

    def status(self, *, reference: str, destination: Destination) -> str:
        """'in_transit', 'paid' or 'failed:<code>'."""
        ...


class SandboxPayouts:
    name = "sandbox_payouts"

    def start_verification(self, *, account_id: str, destination: Destination) -> Verification:
        digest = hashlib.sha256(f"verify:{account_id}".encode()).digest()
        return Verification(reference=f"ver_{digest.hex()[:20]}", amounts=(1 + digest[0] % 99, 1 + digest[1] % 99))

    def send(self, *, payout_id: str, destination: Destination, amount: int, currency: str) -> str:
        return "tr_" + hashlib.sha256(f"payout:{payout_id}".encode()).hexdigest()[:24]

    def status(self, *, reference: str, destination: Destination) -> str:
        if destination.number.endswith("0002"):
            return "failed:account_closed"
        return "paid"


PAYOUT_PROVIDER: PayoutProvider = SandboxPayouts()
