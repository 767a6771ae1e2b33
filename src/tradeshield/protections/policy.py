from __future__ import annotations

from tradeshield.protections.models import ProtectionPolicy


def current_policy() -> ProtectionPolicy:
    policy, _ = ProtectionPolicy.objects.get_or_create(name="default")
    return policy
