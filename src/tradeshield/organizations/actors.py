"""Who is acting: a member of an organization (by session, personal token or API key) or staff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.utils.translation import gettext as _

from tradeshield.accounts.models import User
from tradeshield.kit.errors import Forbidden
from tradeshield.organizations.models import MemberRole, Membership, Organization, OrgKind

# What each member role may do. Owners and API keys may do everything their organization may.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    MemberRole.OWNER: {
        "order.write",
        "order.confirm",
        "order.pay",
        "order.ship",
        "order.receive",
        "order.cancel",
        "order.refund",
        "org.admin",
        "inspection.schedule",
        "inspection.report",
        "dispute.act",
    },
    MemberRole.BUYER: {"order.write", "order.confirm", "order.pay", "order.receive", "order.cancel", "dispute.act"},
    MemberRole.SALES: {"order.write", "order.confirm", "order.ship", "order.cancel", "dispute.act"},
    MemberRole.FINANCE: {"order.pay", "order.refund", "dispute.act"},
    MemberRole.INSPECTOR: {"inspection.report"},
}
API_KEY_PERMISSIONS = ROLE_PERMISSIONS[MemberRole.OWNER] - {"org.admin"}


@dataclass(frozen=True)
class Actor:
    user: User | None
    organization: Organization | None
    role: str  # member role, "api_key", or "" for staff without an organization
    via: str  # "session", "token", "api_key"
    api_key_id: str | None = None

    @property
    def org_id(self) -> str | None:
        return self.organization.id if self.organization else None

    @property
    def staff_role(self) -> str:
        return self.user.staff_role if self.user else ""

    @property
    def is_staff(self) -> bool:
        return bool(self.staff_role)

    @property
    def is_buyer_org(self) -> bool:
        return self.organization is not None and self.organization.kind == OrgKind.BUYER

    @property
    def is_supplier_org(self) -> bool:
        return self.organization is not None and self.organization.kind == OrgKind.SUPPLIER

    @property
    def trades(self) -> bool:
        """Buyers and suppliers place orders; agencies and staff do not."""
        return self.is_buyer_org or self.is_supplier_org

    @property
    def is_agency_org(self) -> bool:
        return self.organization is not None and self.organization.kind == OrgKind.INSPECTION_AGENCY

    @property
    def key(self) -> str:
        """A stable identity used to scope idempotency keys and rate limits."""
        if self.api_key_id:
            return f"key:{self.api_key_id}"
        return f"user:{self.user.id}" if self.user else "anonymous"

    @property
    def label(self) -> str:
        if self.api_key_id:
            return f"API key {self.api_key_id}"
        return self.user.email if self.user else "system"

    def can(self, permission: str) -> bool:
        if self.role == "api_key":
            return permission in API_KEY_PERMISSIONS
        return permission in ROLE_PERMISSIONS.get(self.role, set())

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise Forbidden(
                _("Your role does not allow this action (%(permission)s).") % {"permission": permission},
                code="forbidden_role",
            )


def actor_for_user(user: User, via: str = "session") -> Actor:
    membership = membership_of(user)
    if membership is None:
        return Actor(user=user, organization=None, role="", via=via)
    return Actor(user=user, organization=membership.organization, role=membership.role, via=via)


# The user's side of the one-to-one: where `user.membership` is cached (None when there is none).
_USER_MEMBERSHIP = User.membership.related


def membership_of(user: User) -> Membership | None:
    """The user's membership with its organization (and the organization's test clock, for the
    middleware), in one statement unless already loaded by a select_related through
    `membership__organization` or an earlier call. Cached on the user as `user.membership` would be."""
    if _USER_MEMBERSHIP.is_cached(user):
        return cast(Membership | None, _USER_MEMBERSHIP.get_cached_value(user))
    membership = Membership.objects.select_related("organization__test_clock").filter(user_id=user.pk).first()
    _USER_MEMBERSHIP.set_cached_value(user, membership)
    if membership is not None:
        Membership.user.field.set_cached_value(membership, user)
    return membership
