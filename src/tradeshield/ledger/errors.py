from tradeshield.kit.errors import Conflict, Invalid


class InsufficientFunds(Conflict):
    code = "ledger_insufficient_funds"


class PendingAlreadyResolved(Conflict):
    code = "ledger_pending_already_resolved"


class TransferIdReused(Conflict):
    code = "ledger_transfer_id_reused"


class TransferRejected(Invalid):
    code = "ledger_transfer_rejected"
