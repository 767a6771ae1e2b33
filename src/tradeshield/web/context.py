"""Template context for every page: who is acting, which navigation entries they get, unread notifications."""

from __future__ import annotations

from functools import cache, partial
from typing import Any

from django.http import HttpRequest

from tradeshield.accounts.models import StaffRole
from tradeshield.messaging.selectors import unread_counts
from tradeshield.notifications.selectors import unread_count
from tradeshield.organizations.actors import actor_for_user
from tradeshield.organizations.models import MemberRole


def actor(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"actor": None, "nav": {}}
    current = actor_for_user(user)
    roles: dict[str, Any] = {**dict(StaffRole.choices), **dict(MemberRole.choices)}
    role = roles.get(current.role) or roles.get(current.staff_role, "")
    return {
        "actor": current,
        "nav": {
            "role": role,
            "new_order": current.trades and current.can("order.write"),
            "api_keys": current.organization is not None and current.can("org.admin"),
            "bank_import": current.staff_role in ("admin", "support_agent"),
            "vital_signs": bool(current.staff_role),
            "risk_queue": current.staff_role in ("admin", "support_agent"),
            "webhooks": current.organization is not None and current.can("org.admin"),
            "inspections": current.is_agency_org,
            "suppliers": current.organization is not None or current.is_staff,
            "qualification": current.is_supplier_org,
            "verifications": current.is_agency_org,
            "review_queue": current.organization is None and current.staff_role in ("reviewer", "admin"),
            "expert": current.staff_role == StaffRole.TRADE_EXPERT,
            "payouts": current.organization is not None
            and current.organization.kind in ("supplier", "inspection_agency")
            and current.role in ("owner", "finance"),
            "saved_cards": current.is_buyer_org and current.can("order.pay"),
            "unread": cache(partial(unread_count, user.pk)),  # counted only if a template shows it
            "messages": current.trades or current.is_staff,
            "messages_unread": cache(lambda: unread_counts(current).messages),
            "moderation": current.organization is None and current.staff_role in ("admin", "support_agent"),
            "support_queue": current.organization is None and current.staff_role in ("admin", "support_agent"),
            "support": current.trades,
        },
    }
