"""The signals a rule may name, and the one SQL statement that computes them for a decision.

Every count is a scalar subquery on an index made for it (migration 0001): velocity on
`risk_assessment` (organization+kind+time, card fingerprint+time, IP+time), the device on
(user, device), amount history and failures on `payment` (buyer+currency+time, failed buyer+time),
payout-account changes on `payout_account` (organization). One round trip per decision.
Windows are measured from `kit.clock.now()`, so simulation clocks see their own time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import psycopg
from django.db import connection

from tradeshield.kit import fx

# name → (type, what it means)
SIGNALS: dict[str, tuple[str, str]] = {
    "kind": ("str", "payment, refund_request, payout or account_change"),
    "amount": ("num", "amount in minor units of the action's currency"),
    "amount_usd": ("num", "amount in whole US dollars (reference rates)"),
    "amount_ratio": ("num", "amount ÷ median of the organization's last 50 funded payments in that currency (0: none)"),
    "history_count": ("num", "how many earlier funded payments that median is over (at most 50)"),
    "velocity_org_1h": ("num", "screened actions of this kind by the organization, last hour"),
    "velocity_org_24h": ("num", "the same, last 24 hours"),
    "velocity_card_1h": ("num", "screened payments with this card fingerprint, last hour"),
    "velocity_card_24h": ("num", "the same, last 24 hours"),
    "velocity_ip_1h": ("num", "screened actions from this IP address, last hour"),
    "velocity_ip_24h": ("num", "the same, last 24 hours"),
    "card_country": ("str", 'the card\'s country ("" unknown or no card)'),
    "org_country": ("str", "the organization's country"),
    "ip_country": ("str", "the client's country from the trusted proxy's X-Country header (\"\" unknown)"),
    "account_age_days": ("num", "days since the organization was created"),
    "failed_payments_24h": ("num", "the organization's failed payments, last 24 hours"),
    "new_device": ("bool", "this user has never been screened from this device before"),
    "days_since_account_change": ("num", "days since the organization last added a payout account (9999: never)"),
    "account_changes_24h": ("num", "payout accounts the organization added in the last 24 hours"),
    "trusted": ("bool", "the organization is on the staff's allowlist"),
}
NAMES = {name: kind for name, (kind, _text) in SIGNALS.items()}
DEFAULT_THRESHOLDS = (65, 75, 100)
FUNDED = ("held", "released", "partially_refunded", "refunded")

SQL = """
SELECT
  (SELECT count(*) FROM risk_assessment a
    WHERE a.organization_id = %(org)s AND a.kind = %(kind)s AND a.created_at > %(now)s - interval '1 hour'),
  (SELECT count(*) FROM risk_assessment a
    WHERE a.organization_id = %(org)s AND a.kind = %(kind)s AND a.created_at > %(now)s - interval '24 hours'),
  (SELECT count(*) FROM risk_assessment a
    WHERE %(card)s <> '' AND a.card_fingerprint = %(card)s AND a.created_at > %(now)s - interval '1 hour'),
  (SELECT count(*) FROM risk_assessment a
    WHERE %(card)s <> '' AND a.card_fingerprint = %(card)s AND a.created_at > %(now)s - interval '24 hours'),
  (SELECT count(*) FROM risk_assessment a
    WHERE %(ip)s <> '' AND a.ip = %(ip)s AND a.created_at > %(now)s - interval '1 hour'),
  (SELECT count(*) FROM risk_assessment a
    WHERE %(ip)s <> '' AND a.ip = %(ip)s AND a.created_at > %(now)s - interval '24 hours'),
  (%(device)s <> '' AND %(user)s <> '' AND NOT EXISTS (
    SELECT 1 FROM risk_assessment a WHERE a.user_id = %(user)s AND a.device = %(device)s)),
  h.n, h.median,
  (SELECT count(*) FROM payment p
    WHERE p.buyer_id = %(org)s AND p.status = 'failed' AND p.created_at > %(now)s - interval '24 hours'),
  o.country, o.created_at,
  pa.last_added, pa.added_24h,
  EXISTS (SELECT 1 FROM risk_trusted_organization t WHERE t.organization_id = %(org)s),
  EXISTS (SELECT 1 FROM risk_account_freeze f WHERE f.organization_id = %(org)s AND f.unfrozen_at IS NULL),
  (SELECT c.id FROM risk_case c WHERE c.organization_id = %(org)s AND c.kind = %(kind)s AND c.reference = %(ref)s
     AND c.amount = %(amount)s AND c.status = 'approved' AND c.used_at IS NULL ORDER BY c.created_at LIMIT 1),
  (SELECT c.id FROM risk_case c WHERE c.organization_id = %(org)s AND c.kind = %(kind)s AND c.reference = %(ref)s
     AND c.status = 'pending' ORDER BY c.created_at LIMIT 1),
  (SELECT json_agg(json_build_array(r.name, r.condition, r.weight) ORDER BY r.id) FROM risk_rule r WHERE r.active),
  (SELECT json_build_array(p.review_at, p.suspend_at, p.freeze_at) FROM risk_policy p WHERE p.id = 1)
FROM (SELECT 1) one
LEFT JOIN organization o ON o.id = %(org)s
LEFT JOIN LATERAL (
  SELECT count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY last.amount) AS median
  FROM (SELECT p.amount FROM payment p
        WHERE p.buyer_id = %(org)s AND p.currency = %(currency)s AND p.status = ANY(%(funded)s)
          AND p.created_at <= %(now)s
        ORDER BY p.created_at DESC LIMIT 50) last
) h ON true
LEFT JOIN LATERAL (
  SELECT max(x.created_at) AS last_added,
         count(*) FILTER (WHERE x.created_at > %(now)s - interval '24 hours') AS added_24h
  FROM payout_account x WHERE x.organization_id = %(org)s AND x.created_at <= %(now)s
) pa ON true
"""


# Server-side binding needs the untyped parameters typed.
PREPARED_SQL = (
    SQL.replace("%(card)s <> ''", "%(card)s::text <> ''")
    .replace("%(ip)s <> ''", "%(ip)s::text <> ''")
    .replace("%(device)s <> ''", "%(device)s::text <> ''")
    .replace("%(user)s <> ''", "%(user)s::text <> ''")
    .replace("%(now)s", "%(now)s::timestamptz")
    .replace("ANY(%(funded)s)", "ANY(%(funded)s::text[])")
)


@dataclass(frozen=True)
class Snapshot:
    """The signals plus what the decision needs beside them, from the same statement."""

    values: dict[str, Any]
    frozen: bool
    approved_case_id: str | None
    pending_case_id: str | None
    rules: list[tuple[str, str, int]]
    thresholds: tuple[int, int, int]  # review, suspend, freeze


@dataclass(frozen=True)
class Facts:
    """What is known about the action before the database is asked."""

    kind: str
    organization_id: str
    user_id: str
    currency: str
    amount: int
    card_fingerprint: str = ""
    card_country: str = ""
    ip: str = ""
    ip_country: str = ""
    device: str = ""
    reference: str = ""


def _days(now: datetime, then: datetime | None, default: int = 9999) -> Decimal:
    if then is None:
        return Decimal(default)
    return Decimal(max(0, int((now - then).total_seconds() // 86400)))


def _fetch(params: dict[str, Any]) -> tuple[Any, ...]:
    """Run the statement as a server-side prepared statement: planning it (about 0.5 ms for its 20
    subqueries) happens once per connection instead of on every decision. Django's own cursors bind
    client-side and cannot prepare, so this goes through a psycopg server-binding cursor on the same
    connection (same transaction)."""
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django leaves preparing off (its cursors bind client-side and never prepare anyway); `prepare=True`
        # below is ignored while the connection's threshold is None.
        raw.prepare_threshold = 5
    with psycopg.Cursor(raw) as cur:
        cur.execute(PREPARED_SQL, params, prepare=True)
        row = cur.fetchone()
    assert row is not None
    return tuple(row)


def compute(facts: Facts, now: datetime) -> Snapshot:
    """Every signal for one action, the rules, the thresholds and the account's state: one statement."""
    params: dict[str, Any] = {
        "org": facts.organization_id,
        "kind": facts.kind,
        "now": now,
        "card": facts.card_fingerprint,
        "ip": facts.ip,
        "device": facts.device,
        "user": facts.user_id,
        "currency": facts.currency,
        "funded": list(FUNDED),
        "ref": facts.reference,
        "amount": facts.amount,
    }
    row = _fetch(params)
    (v_org_1h, v_org_24h, v_card_1h, v_card_24h, v_ip_1h, v_ip_24h, new_device, n, median, failed, country,
     org_created, last_added, added_24h, trusted, frozen, approved, pending, rules, policy) = row  # fmt: skip
    ratio = Decimal(0)
    if median and facts.amount:
        ratio = (Decimal(facts.amount) / Decimal(str(median))).quantize(Decimal("0.01"))
    usd = Decimal(0)
    if facts.amount and facts.currency:
        try:
            usd = Decimal(fx.convert(facts.amount, facts.currency, "USD")) / 100
        except Exception:  # an unknown currency has no reference rate: no USD amount
            usd = Decimal(0)
    values = {
        "kind": facts.kind,
        "amount": Decimal(facts.amount),
        "amount_usd": usd.quantize(Decimal("0.01")),
        "amount_ratio": ratio,
        "history_count": Decimal(n or 0),
        "velocity_org_1h": Decimal(v_org_1h),
        "velocity_org_24h": Decimal(v_org_24h),
        "velocity_card_1h": Decimal(v_card_1h),
        "velocity_card_24h": Decimal(v_card_24h),
        "velocity_ip_1h": Decimal(v_ip_1h),
        "velocity_ip_24h": Decimal(v_ip_24h),
        "card_country": facts.card_country.upper(),
        "org_country": (country or "").upper(),
        "ip_country": facts.ip_country.upper(),
        "account_age_days": _days(now, org_created, default=0),
        "failed_payments_24h": Decimal(failed),
        "new_device": bool(new_device),
        "days_since_account_change": _days(now, last_added),
        "account_changes_24h": Decimal(added_24h or 0),
        "trusted": bool(trusted),
    }
    review, suspend, freeze = policy or DEFAULT_THRESHOLDS
    return Snapshot(
        values=values,
        frozen=bool(frozen),
        approved_case_id=approved,
        pending_case_id=pending,
        rules=[(str(n), str(c), int(w)) for n, c, w in (rules or [])],
        thresholds=(int(review), int(suspend), int(freeze)),
    )


def as_json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}
