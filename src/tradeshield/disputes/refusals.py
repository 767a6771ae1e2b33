"""Refusals that depend on the dispute's state or on who acts, as whole sentences for translators.

Sentences are not assembled from English parts ("cannot" + an action): each language words every case itself.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from tradeshield.disputes.models import DisputeStatus
from tradeshield.orders.states import OrderStatus

S = DisputeStatus

# A dispute's status inside a sentence: "A dispute that is negotiating cannot …".
STATUS_WORDS: dict[str, Promise] = {
    S.NEGOTIATING: pgettext_lazy("dispute status in a sentence", "negotiating"),
    S.ESCALATED: pgettext_lazy("dispute status in a sentence", "escalated"),
    S.DECIDED: pgettext_lazy("dispute status in a sentence", "decided"),
    S.APPEALED: pgettext_lazy("dispute status in a sentence", "appealed"),
    S.RESOLVED: pgettext_lazy("dispute status in a sentence", "resolved"),
    S.WITHDRAWN: pgettext_lazy("dispute status in a sentence", "withdrawn"),
    S.LAPSED: pgettext_lazy("dispute status in a sentence", "lapsed"),
}

# What a dispute in another status cannot do, by the action the services name.
CANNOT: dict[str, Promise] = {
    "take offers": gettext_lazy("A dispute that is %(status)s cannot take offers."),
    "be rejected": gettext_lazy("A dispute that is %(status)s cannot be rejected."),
    "be edited": gettext_lazy("A dispute that is %(status)s cannot be edited."),
    "be withdrawn": gettext_lazy("A dispute that is %(status)s cannot be withdrawn."),
    "be escalated": gettext_lazy("A dispute that is %(status)s cannot be escalated."),
    "take evidence": gettext_lazy("A dispute that is %(status)s cannot take evidence."),
    "take evidence requests": gettext_lazy("A dispute that is %(status)s cannot take evidence requests."),
    "order an inspection": gettext_lazy("A dispute that is %(status)s cannot order an inspection."),
    "be settled": gettext_lazy("A dispute that is %(status)s cannot be settled."),
    "be decided": gettext_lazy("A dispute that is %(status)s cannot be decided."),
    "be appealed": gettext_lazy("A dispute that is %(status)s cannot be appealed."),
}

# An amount above what was paid, by the amount the services name.
EXCEEDS_PAID: dict[str, Promise] = {
    "The refund asked": gettext_lazy("The refund asked cannot exceed the amount paid (%(paid)s minor units)."),
    "A counter-offer": gettext_lazy("A counter-offer cannot exceed the amount paid (%(paid)s minor units)."),
    "The buyer's share": gettext_lazy("The buyer's share cannot exceed the amount paid (%(paid)s minor units)."),
}

# Who may act, by the sides the services allow.
ONLY_SIDES: dict[tuple[str, ...], Promise] = {
    ("buyer",): gettext_lazy("Only the buyer can do this on a dispute."),
    ("supplier",): gettext_lazy("Only the supplier can do this on a dispute."),
    ("buyer", "supplier"): gettext_lazy("Only the buyer or supplier can do this on a dispute."),
}

# An order's status inside "An order that is … cannot be disputed" (the statuses that reach it).
ORDER_STATUS_WORDS: dict[str, Promise] = {
    OrderStatus.DRAFT: pgettext_lazy("order status in a sentence", "draft"),
    OrderStatus.AWAITING_PAYMENT: pgettext_lazy("order status in a sentence", "awaiting payment"),
    OrderStatus.CANCELLED: pgettext_lazy("order status in a sentence", "cancelled"),
    OrderStatus.REFUNDED: pgettext_lazy("order status in a sentence", "refunded"),
}


def cannot(status: str, action: str) -> str:
    return str(CANNOT[action]) % {"status": STATUS_WORDS.get(status, status)}


def exceeds_paid(amount_name: str, paid: int) -> str:
    return str(EXCEEDS_PAID[amount_name]) % {"paid": paid}


def only_sides(sides: tuple[str, ...]) -> str:
    return str(ONLY_SIDES[sides])


def order_not_disputable(status: str) -> str:
    return gettext(
        "An order that is %(status)s cannot be disputed (nothing has been paid for it, or it was refunded)."
    ) % {"status": ORDER_STATUS_WORDS.get(status, status)}
