"""The credit rating: every factor, its weight and its formula, computed in one SQL statement.

The statement aggregates the records per supplier (orders in one pass grouped by supplier and
currency, inspections, and the qualification / reviews / messaging / disputes tables when those
apps are installed), turns each aggregate into points, and writes the result: a history row
(`credit_rating`) when anything changed, the flattened current standing (`credit_standing`), and the
coverage limit on `organization`. Nothing loops over orders in Python.

Each factor earns 0..weight points. A factor whose records do not exist yet (its app is not
installed) is shown as not available, with weight 0, and the score is scaled over the weights that
are available: score = round(100 * sum(points) / sum(available weights)). docs/domains/credit.md has the
table of formulas and the reasons behind them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tradeshield.kit.fx import rates_per_usd
from tradeshield.kit.money import CURRENCY_EXPONENTS


@dataclass(frozen=True)
class Factor:
    key: str
    weight: int
    label: Promise
    needs: str | None = None  # the app whose records the factor reads; None: always available

    @property
    def available(self) -> bool:
        return self.needs is None or apps.is_installed(self.needs)


FACTORS: tuple[Factor, ...] = (
    Factor("qualification", 20, _("Qualification"), "tradeshield.suppliers"),
    Factor("orders", 8, _("Completed orders")),
    Factor("volume", 7, _("Completed order value")),
    Factor("on_time", 12, _("On-time shipment")),
    Factor("disputes", 8, _("Dispute rate"), "tradeshield.disputes"),
    Factor("disputes_lost", 5, _("Disputes lost"), "tradeshield.disputes"),
    Factor("refunds", 8, _("Refund rate")),
    Factor("inspections", 7, _("Inspection pass rate")),
    Factor("reviews", 15, _("Reviews"), "tradeshield.reviews"),
    Factor("response", 5, _("Response rate"), "tradeshield.messaging"),
    Factor("tenure", 5, _("Time on the platform")),
)
FACTOR_BY_KEY = {f.key: f for f in FACTORS}
assert sum(f.weight for f in FACTORS) == 100

# Grade bands: the lowest score of each grade, best first (rank 7 = AAA … 1 = C).
GRADE_BANDS: tuple[tuple[str, int], ...] = (
    ("AAA", 90),
    ("AA", 80),
    ("A", 70),
    ("BBB", 60),
    ("BB", 50),
    ("B", 40),
    ("C", 0),
)
GRADE_RANK = {grade: len(GRADE_BANDS) - i for i, (grade, _low) in enumerate(GRADE_BANDS)}

# Priors: a rate is smoothed as (hits + K·prior) / (n + K), so a newcomer starts at the prior and a
# handful of orders moves it only a little.
RATE_WEIGHT = 5
ON_TIME_PRIOR = Decimal("0.9")
REFUND_PRIOR = Decimal("0.05")
REFUND_PENALTY = 4  # points fall linearly to zero at a 25 % refund rate
INSPECTION_PRIOR = Decimal("0.8")
RESPONSE_PRIOR = Decimal("0.7")
# Disputes: disputed orders ÷ funded orders, smoothed toward 3 %; points fall linearly to zero at 20 %.
DISPUTE_PRIOR = Decimal("0.03")
DISPUTE_PENALTY = 5
# Disputes lost: of the closed disputes, those whose outcome was imposed on the supplier (granted because
# it did not answer in time, or an expert's decision giving the buyer money back), smoothed toward 30 %.
DISPUTE_LOST_PRIOR = Decimal("0.3")
# Reviews: Bayesian average (C·m + Σ ratings) / (C + n) with m = 4.0 stars and C = 10 reviews.
REVIEW_PRIOR_MEAN = Decimal("4.0")
REVIEW_PRIOR_COUNT = 10
ORDERS_FULL = 100  # completed orders for full points (logarithmic)
VOLUME_FULL_DIGITS = 6  # USD 1,000,000 completed for full points (log10)
TENURE_FULL_MONTHS = 60
VERIFICATION_MONTHS = 12

# Coverage limit (USD minor units): base + qualification bonuses + half of the last 6 months'
# completed volume, capped, rounded down to whole USD 1,000.
COVERAGE_BASE_USD = 50_000
COVERAGE_APPROVED_USD = 25_000
COVERAGE_VERIFIED_USD = 25_000
COVERAGE_VOLUME_SHARE = Decimal("0.5")
COVERAGE_CAP_USD = 1_000_000
COVERAGE_WINDOW_DAYS = 182


def grade_of(score: int) -> str:
    return next(grade for grade, low in GRADE_BANDS if score >= low)


def bayesian_average(ratings_sum: Decimal, count: int) -> Decimal:
    """The same formula as the SQL, for the documentation and the tests."""
    return (REVIEW_PRIOR_MEAN * REVIEW_PRIOR_COUNT + ratings_sum) / (REVIEW_PRIOR_COUNT + count)


def coverage_limit_usd(*, approved: bool, verified: bool, recent_volume_usd: Decimal) -> int:
    """USD minor units; the SQL computes the same."""
    base = COVERAGE_BASE_USD + (COVERAGE_APPROVED_USD if approved else 0) + (COVERAGE_VERIFIED_USD if verified else 0)
    limit = min(Decimal(COVERAGE_CAP_USD), base + COVERAGE_VOLUME_SHARE * recent_volume_usd)
    return int(limit // 1000 * 1000) * 100


# --- SQL -------------------------------------------------------------------------------------------------

_ORDERS = """
ord_cur AS (
    SELECT o.supplier_id, o.currency,
        count(*) FILTER (WHERE o.status = 'completed') AS completed,
        count(*) FILTER (WHERE o.status = 'refunded') AS refunded,
        count(*) FILTER (WHERE o.status IN ('completed', 'refunded')) AS closed,
        count(*) FILTER (WHERE o.status NOT IN ('awaiting_payment', 'cancelled')) AS funded,
        coalesce(sum(o.total_amount) FILTER (WHERE o.status = 'completed'), 0) AS completed_amount,
        coalesce(sum(o.total_amount) FILTER (
            WHERE o.status = 'completed' AND o.updated_at >= %(window_start)s), 0) AS recent_amount,
        count(*) FILTER (WHERE o.ship_deadline IS NOT NULL AND (
            CASE WHEN o.incoterm IN ('DAP', 'DPU', 'DDP') THEN o.delivered_at ELSE o.shipped_at END IS NOT NULL
            OR (o.ship_deadline < %(today)s AND o.status IN ('paid', 'shipped')))) AS measured,
        count(*) FILTER (WHERE o.ship_deadline IS NOT NULL AND
            (CASE WHEN o.incoterm IN ('DAP', 'DPU', 'DDP') THEN o.delivered_at ELSE o.shipped_at END
                AT TIME ZONE 'UTC')::date <= o.ship_deadline) AS on_time
    FROM trade_order o
    WHERE o.status <> 'draft' {order_scope}
    GROUP BY o.supplier_id, o.currency
),
ord AS (
    SELECT c.supplier_id,
        sum(c.completed) AS completed, sum(c.refunded) AS refunded, sum(c.closed) AS closed,
        sum(c.funded) AS funded,
        sum(c.measured) AS measured, sum(c.on_time) AS on_time,
        coalesce(sum(c.completed_amount / fx.per_minor), 0) AS usd,
        coalesce(sum(c.recent_amount / fx.per_minor), 0) AS recent_usd
    FROM ord_cur c LEFT JOIN fx ON fx.currency = c.currency
    GROUP BY c.supplier_id
),
part_refund AS (
    SELECT o.supplier_id, count(DISTINCT o.id) AS n
    FROM payment p JOIN trade_order o ON o.id = p.order_id
    WHERE p.refunded_amount > 0 AND o.status = 'completed' {order_scope}
    GROUP BY o.supplier_id
),
insp AS (
    SELECT o.supplier_id,
        count(*) AS inspected,
        count(*) FILTER (WHERE i.status = 'passed') AS passed
    FROM inspection i JOIN trade_order o ON o.id = i.order_id
    WHERE i.status IN ('passed', 'failed') AND NOT i.is_reinspection {order_scope}
    GROUP BY o.supplier_id
)"""

_QUALIFICATION = """,
qual AS (
    SELECT s.id AS supplier_id,
        EXISTS (SELECT 1 FROM supplier_application a WHERE a.supplier_id = s.id AND a.status = 'approved'
                AND a.license_valid_from <= %(today)s AND a.license_valid_to >= %(today)s) AS approved,
        coalesce((SELECT array_agg(DISTINCT c.standard ORDER BY c.standard) FROM supplier_certification c
                  JOIN supplier_application a ON a.id = c.application_id AND a.status = 'approved'
                  WHERE c.supplier_id = s.id AND c.valid_from <= %(today)s AND c.valid_to >= %(today)s),
                 '{}') AS certifications,
        (SELECT max(v.visited_on) FROM supplier_verification v
         WHERE v.supplier_id = s.id AND v.status = 'reported') AS visited_on
    FROM sup s
)"""
_NO_QUALIFICATION = """,
qual AS (SELECT s.id AS supplier_id, false AS approved, '{}'::text[] AS certifications,
         NULL::date AS visited_on FROM sup s)"""

_RESPONSE = """,
resp AS (
    SELECT t.supplier_id, count(*) AS received,
        count(*) FILTER (WHERE fr.first_reply <= t.created_at + interval '24 hours') AS answered
    FROM messaging_thread t
    LEFT JOIN LATERAL (
        SELECT min(m.created_at) AS first_reply FROM messaging_message m
        WHERE m.thread_id = t.id AND m.organization_id = t.supplier_id AND m.created_at <= %(now)s
    ) fr ON true
    -- the same definition as messaging.selectors.response_metrics (branch talk)
    WHERE t.kind = 'inquiry' AND t.created_at > %(now)s - interval '30 days'
      AND t.created_at <= %(now)s {thread_scope}
    GROUP BY t.supplier_id
)"""
_NO_RESPONSE = """,
resp AS (SELECT NULL::text AS supplier_id, 0::bigint AS received, 0::bigint AS answered WHERE false)"""

_REVIEWS = """,
rev AS (
    SELECT r.supplier_id, count(*) AS n, sum(r.overall) AS total
    FROM ({reviews_source}) r
    GROUP BY r.supplier_id
)"""
_NO_REVIEWS = """,
rev AS (SELECT NULL::text AS supplier_id, 0::bigint AS n, 0::numeric AS total WHERE false)"""

_DISPUTES = """,
disp AS (
    SELECT d.supplier_id,
        count(DISTINCT d.order_id) FILTER (WHERE d.status <> 'withdrawn') AS disputed,
        count(*) FILTER (WHERE d.status IN ('resolved', 'lapsed', 'withdrawn')) AS closed,
        count(*) FILTER (WHERE d.status = 'resolved' AND (d.outcome = 'auto_granted'
            OR (d.outcome = 'decided' AND d.decision_buyer_amount > 0))) AS lost
    FROM dispute d
    WHERE true {dispute_scope}
    GROUP BY d.supplier_id
)"""
_NO_DISPUTES = """,
disp AS (SELECT NULL::text AS supplier_id, 0::bigint AS disputed, 0::bigint AS closed, 0::bigint AS lost
         WHERE false)"""

_CALC = """,
base AS (
    SELECT s.id, s.created_at,
        coalesce(ord.completed, 0) AS completed, coalesce(ord.refunded, 0) + coalesce(pr.n, 0) AS refunded,
        coalesce(ord.closed, 0) AS closed, coalesce(ord.measured, 0) AS measured,
        coalesce(ord.funded, 0) AS funded, coalesce(disp.disputed, 0) AS disputed,
        coalesce(disp.closed, 0) AS disputes_closed, coalesce(disp.lost, 0) AS disputes_lost,
        coalesce(ord.on_time, 0) AS on_time, coalesce(ord.usd, 0) AS usd,
        coalesce(ord.recent_usd, 0) AS recent_usd,
        coalesce(insp.inspected, 0) AS inspected, coalesce(insp.passed, 0) AS passed,
        q.approved, q.certifications,
        CASE WHEN q.visited_on IS NOT NULL
             THEN (q.visited_on + make_interval(months => %(verification_months)s))::date END AS verified_until,
        coalesce(resp.received, 0) AS received, coalesce(resp.answered, 0) AS answered,
        coalesce(rev.n, 0) AS review_n, coalesce(rev.total, 0) AS review_total,
        greatest(0, (extract(year FROM age(%(now)s, s.created_at)) * 12
                     + extract(month FROM age(%(now)s, s.created_at)))::int) AS months
    FROM sup s
    LEFT JOIN ord ON ord.supplier_id = s.id
    LEFT JOIN part_refund pr ON pr.supplier_id = s.id
    LEFT JOIN insp ON insp.supplier_id = s.id
    LEFT JOIN qual q ON q.supplier_id = s.id
    LEFT JOIN resp ON resp.supplier_id = s.id
    LEFT JOIN rev ON rev.supplier_id = s.id
    LEFT JOIN disp ON disp.supplier_id = s.id
),
rates AS (
    SELECT b.*,
        coalesce(b.verified_until > %(today)s, false) AS verified,  -- lapses ON verified_until, as suppliers.selectors
        round((b.on_time + %(k)s * %(on_time_prior)s) / (b.measured + %(k)s), 8) AS on_time_s,
        round(least(1, (b.refunded + %(k)s * %(refund_prior)s) / (b.closed + %(k)s)), 8) AS refund_s,
        round((b.passed + %(k)s * %(inspection_prior)s) / (b.inspected + %(k)s), 8) AS inspection_s,
        round((b.answered + %(k)s * %(response_prior)s) / (b.received + %(k)s), 8) AS response_s,
        round(least(1, (b.disputed + %(k)s * %(dispute_prior)s) / (greatest(b.funded, b.disputed) + %(k)s)), 8)
            AS dispute_s,
        round((b.disputes_lost + %(k)s * %(dispute_lost_prior)s) / (b.disputes_closed + %(k)s), 8) AS lost_s,
        round((%(review_c)s * %(review_m)s + b.review_total) / (%(review_c)s + b.review_n), 8) AS bayes
    FROM base b
),
pts AS MATERIALIZED (  -- computed once per supplier: the score and grade below refer to it many times
    SELECT r.*,
        round(({w_qualification} * (0.4 * r.approved::int + 0.3 * least(1, cardinality(r.certifications) / 2.0)
                              + 0.3 * r.verified::int))::numeric, 6) AS p_qualification,
        round(({w_orders} * least(1, ln(1 + r.completed::float8)
                                 / ln(1 + %(orders_full)s::float8)))::numeric, 6) AS p_orders,
        round(({w_volume} * least(1, log(1 + r.usd::float8) / %(volume_digits)s::float8))::numeric, 6) AS p_volume,
        round(({w_on_time} * r.on_time_s)::numeric, 6) AS p_on_time,
        round(({w_disputes} * greatest(0, 1 - %(dispute_penalty)s * r.dispute_s))::numeric, 6) AS p_disputes,
        round(({w_disputes_lost} * (1 - r.lost_s))::numeric, 6) AS p_disputes_lost,
        round(({w_refunds} * greatest(0, 1 - %(refund_penalty)s * r.refund_s))::numeric, 6) AS p_refunds,
        round(({w_inspections} * r.inspection_s)::numeric, 6) AS p_inspections,
        round(({w_reviews} * (r.bayes - 1) / 4)::numeric, 6) AS p_reviews,
        round(({w_response} * r.response_s)::numeric, 6) AS p_response,
        round(({w_tenure} * least(1, r.months::numeric / %(tenure_full)s))::numeric, 6) AS p_tenure
    FROM rates r
),
scored AS MATERIALIZED (
    SELECT p.*,
        round(100 * (p.p_qualification + p.p_orders + p.p_volume + p.p_on_time + p.p_disputes
                     + p.p_disputes_lost + p.p_refunds + p.p_inspections + p.p_reviews + p.p_response
                     + p.p_tenure) / %(available)s)::int AS score,
        floor(least(%(cov_cap)s::numeric, %(cov_base)s
            + CASE WHEN {has_qualification} AND p.approved THEN %(cov_approved)s ELSE 0 END
            + CASE WHEN {has_qualification} AND p.verified THEN %(cov_verified)s ELSE 0 END
            + %(cov_share)s * p.recent_usd) / 1000)::bigint * 1000 * 100 AS coverage
    FROM pts p
),
computed AS (
    SELECT s.id, s.score, s.coverage, s.certifications, s.verified_until,
        s.inspected, s.passed, s.received, s.answered, s.review_n, s.bayes,
        CASE {grade_case} END AS grade,
        CASE {rank_case} END AS grade_rank,
        jsonb_build_array({factor_json}) AS factors
    FROM scored s
)
SELECT * FROM computed
"""

# The writes, from the computed rows (a temporary table): a blank directory profile for a supplier
# that has none (so the keyword search finds it by name), a history row when anything changed, the
# standing, and the coverage limit.
_WRITE = """
WITH computed AS (SELECT * FROM credit_refresh),
prof AS (
    INSERT INTO credit_supplier_profile (organization_id, description, categories, main_products, search_text,
        updated_at)
    SELECT c.id, '', '{}', '', lower(o.name), %(now)s FROM computed c JOIN organization o ON o.id = c.id
    ON CONFLICT (organization_id) DO NOTHING
    RETURNING 1
),
ins AS (
    INSERT INTO credit_rating (supplier_id, score, grade, factors, coverage_limit_usd, cause, computed_at)
    SELECT c.id, c.score, c.grade, c.factors, c.coverage, %(cause)s, %(now)s
    FROM computed c
    LEFT JOIN credit_standing st ON st.supplier_id = c.id
    LEFT JOIN credit_rating last ON last.id = st.rating_id
    WHERE last.id IS NULL OR last.factors <> c.factors OR last.score <> c.score
       OR last.coverage_limit_usd <> c.coverage
    RETURNING id, supplier_id
),
up AS (
    INSERT INTO credit_standing (supplier_id, rating_id, score, grade, grade_rank, review_average,
        review_count, response_rate, inspected_pass_rate, inspected_orders, verified_until,
        certifications, refreshed_at)
    SELECT c.id, coalesce(ins.id, st.rating_id), c.score, c.grade, c.grade_rank,
        CASE WHEN %(has_reviews)s AND c.review_n > 0 THEN round(c.bayes, 2) END, c.review_n,
        CASE WHEN c.received > 0 THEN round(c.answered::numeric / c.received, 4) END,
        CASE WHEN c.inspected > 0 THEN round(c.passed::numeric / c.inspected, 4) END, c.inspected,
        c.verified_until, c.certifications, %(now)s
    FROM computed c
    LEFT JOIN ins ON ins.supplier_id = c.id
    LEFT JOIN credit_standing st ON st.supplier_id = c.id
    ON CONFLICT (supplier_id) DO UPDATE SET
        rating_id = EXCLUDED.rating_id, score = EXCLUDED.score, grade = EXCLUDED.grade,
        grade_rank = EXCLUDED.grade_rank, review_average = EXCLUDED.review_average,
        review_count = EXCLUDED.review_count, response_rate = EXCLUDED.response_rate,
        inspected_pass_rate = EXCLUDED.inspected_pass_rate, inspected_orders = EXCLUDED.inspected_orders,
        verified_until = EXCLUDED.verified_until, certifications = EXCLUDED.certifications,
        refreshed_at = EXCLUDED.refreshed_at
    RETURNING 1
),
cov AS (
    UPDATE organization o SET coverage_limit_usd = c.coverage, updated_at = %(now)s
    FROM computed c WHERE o.id = c.id AND o.coverage_limit_usd <> c.coverage
    RETURNING 1
)
SELECT (SELECT count(*) FROM up), (SELECT count(*) FROM ins), (SELECT count(*) FROM cov)
"""

# Raw values shown for each factor (jsonb); rates are rounded to 4 places.
_RAW: dict[str, str] = {
    "qualification": "jsonb_build_object('approved', s.approved, 'certifications', cardinality(s.certifications),"
    " 'verified', s.verified)",
    "orders": "jsonb_build_object('completed', s.completed)",
    "volume": "jsonb_build_object('usd', round(s.usd))",
    "on_time": "jsonb_build_object('on_time', s.on_time, 'measured', s.measured,"
    " 'rate', CASE WHEN s.measured > 0 THEN round(s.on_time::numeric / s.measured, 4) END)",
    "disputes": "jsonb_build_object('disputed', s.disputed, 'funded', s.funded,"
    " 'rate', CASE WHEN s.funded > 0 THEN round(least(1, s.disputed::numeric / s.funded), 4) END)",
    "disputes_lost": "jsonb_build_object('lost', s.disputes_lost, 'closed', s.disputes_closed,"
    " 'rate', CASE WHEN s.disputes_closed > 0 THEN round(s.disputes_lost::numeric / s.disputes_closed, 4) END)",
    "refunds": "jsonb_build_object('refunded', s.refunded, 'closed', s.closed,"
    " 'rate', CASE WHEN s.closed > 0 THEN round(least(1, s.refunded::numeric / s.closed), 4) END)",
    "inspections": "jsonb_build_object('passed', s.passed, 'inspected', s.inspected,"
    " 'rate', CASE WHEN s.inspected > 0 THEN round(s.passed::numeric / s.inspected, 4) END)",
    "reviews": "jsonb_build_object('count', s.review_n, 'bayesian_average', round(s.bayes, 2))",
    "response": "jsonb_build_object('received', s.received, 'answered', s.answered,"
    " 'rate', CASE WHEN s.received > 0 THEN round(s.answered::numeric / s.received, 4) END)",
    "tenure": "jsonb_build_object('months', s.months)",
}


def reviews_source() -> str:
    """One row per visible review (not hidden by moderation) with its supplier and overall rating: the
    mean of its three ratings (1 to 5). Matches the `review` table of the reviews app (branch talk)."""
    return (
        "SELECT rv.supplier_id, (rv.product_quality + rv.delivery_time + rv.service) / 3.0 AS overall "
        "FROM review rv WHERE rv.hidden_at IS NULL"
    )


def _factor_json(available_total: int) -> str:
    parts = []
    for factor in FACTORS:
        if factor.available:
            points = f"round(s.p_{factor.key} * 100 / {available_total}, 2)"
            parts.append(
                f"jsonb_build_object('key', '{factor.key}', 'available', true, 'weight', {factor.weight},"
                f" 'share', round({factor.weight} * 100.0 / {available_total}, 2), 'raw', {_RAW[factor.key]},"
                f" 'points', {points})"
            )
        else:
            parts.append(
                f"jsonb_build_object('key', '{factor.key}', 'available', false, 'weight', {factor.weight},"
                " 'share', 0, 'raw', NULL, 'points', 0)"
            )
    return ", ".join(parts)


def _cases() -> tuple[str, str]:
    grade = " ".join(f"WHEN s.score >= {low} THEN '{g}'" for g, low in GRADE_BANDS)
    rank = " ".join(f"WHEN s.score >= {low} THEN {GRADE_RANK[g]}" for g, low in GRADE_BANDS)
    return grade, rank


def refresh_sql(*, scoped: bool) -> str:
    """The computing statement (into the temporary table `credit_refresh`; a plain query, so
    PostgreSQL may scan the orders in parallel, which a statement that writes may not); `scoped`
    limits it to the suppliers in %(ids)s. `WRITE_SQL` then writes the results."""
    available = {f.key: f.available for f in FACTORS}
    available_total = sum(f.weight for f in FACTORS if f.available)
    order_scope = "AND o.supplier_id = ANY(%(ids)s)" if scoped else ""
    sup_scope = "AND id = ANY(%(ids)s)" if scoped else ""
    grade_case, rank_case = _cases()
    head = (
        "CREATE TEMP TABLE credit_refresh ON COMMIT DROP AS\n"
        "WITH fx(currency, per_minor) AS (\n"
        "    SELECT * FROM unnest(%(fx_currencies)s::text[], %(fx_per_minor)s::numeric[])),\n"
        f"sup AS (SELECT id, name, created_at FROM organization WHERE kind = 'supplier' {sup_scope}),\n"
    )
    sql = head + _ORDERS.format(order_scope=order_scope)
    sql += _QUALIFICATION if available["qualification"] else _NO_QUALIFICATION
    sql += (
        _RESPONSE.format(thread_scope="AND t.supplier_id = ANY(%(ids)s)" if scoped else "")
        if available["response"]
        else _NO_RESPONSE
    )
    if available["reviews"]:
        source = reviews_source()
        if scoped:
            source = f"SELECT * FROM ({source}) r0 WHERE r0.supplier_id = ANY(%(ids)s)"
        sql += _REVIEWS.format(reviews_source=source)
    else:
        sql += _NO_REVIEWS
    if available["disputes"]:
        sql += _DISPUTES.format(dispute_scope="AND d.supplier_id = ANY(%(ids)s)" if scoped else "")
    else:
        sql += _NO_DISPUTES
    weights = {f"w_{f.key}": (f.weight if f.available else 0) for f in FACTORS}
    sql += _CALC.format(
        **weights,
        grade_case=grade_case,
        rank_case=rank_case,
        factor_json=_factor_json(available_total),
        has_qualification="true" if available["qualification"] else "false",
    )
    return sql


WRITE_SQL = _WRITE


def refresh_params(*, now: datetime, cause: str, ids: list[str] | None) -> dict[str, Any]:
    from datetime import timedelta

    rates = rates_per_usd()
    currencies = sorted(set(rates) & set(CURRENCY_EXPONENTS))
    # Minor units per USD: an amount in minor units divided by this is USD.
    per_minor = [rates[c] * (Decimal(10) ** CURRENCY_EXPONENTS[c]) for c in currencies]
    return {
        "fx_currencies": currencies,
        "fx_per_minor": per_minor,
        "ids": ids,
        "now": now,
        "today": now.date(),
        "window_start": now - timedelta(days=COVERAGE_WINDOW_DAYS),
        "cause": cause,
        "k": RATE_WEIGHT,
        "on_time_prior": ON_TIME_PRIOR,
        "refund_prior": REFUND_PRIOR,
        "refund_penalty": REFUND_PENALTY,
        "inspection_prior": INSPECTION_PRIOR,
        "response_prior": RESPONSE_PRIOR,
        "dispute_prior": DISPUTE_PRIOR,
        "dispute_penalty": DISPUTE_PENALTY,
        "dispute_lost_prior": DISPUTE_LOST_PRIOR,
        "review_c": REVIEW_PRIOR_COUNT,
        "review_m": REVIEW_PRIOR_MEAN,
        "orders_full": ORDERS_FULL,
        "volume_digits": VOLUME_FULL_DIGITS,
        "tenure_full": TENURE_FULL_MONTHS,
        "verification_months": VERIFICATION_MONTHS,
        "available": sum(f.weight for f in FACTORS if f.available),
        "cov_cap": COVERAGE_CAP_USD,
        "cov_base": COVERAGE_BASE_USD,
        "cov_approved": COVERAGE_APPROVED_USD,
        "cov_verified": COVERAGE_VERIFIED_USD,
        "cov_share": COVERAGE_VOLUME_SHARE,
        "has_reviews": FACTOR_BY_KEY["reviews"].available,
    }
