"""A savepoint only where one is needed."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.db import transaction


def savepoint_if_in_transaction() -> AbstractContextManager[Any]:
    """Guard one statement that may fail on purpose (a unique violation the caller catches).

    Inside a transaction, a savepoint keeps the transaction usable after the failure. In autocommit
    mode the statement is a transaction of its own and its failure leaves nothing behind, so
    `atomic()` would only add a BEGIN and a COMMIT."""
    if transaction.get_autocommit():
        return nullcontext()
    return transaction.atomic()
