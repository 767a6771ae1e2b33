"""The rules and thresholds migration 0002 seeds (staff change them afterwards; the table is the truth).
Migration 0002 imports this module: once released, change existing databases with a new data migration.

Scores add up; review from 65, suspend from 75, freeze from 100. No single signal reaches review on its
own; it takes two or three together (B2B buyers pay many milestones with one card, so card and buyer
velocity alone only add a little: the four buyer and card velocity rules
together make 55, below review; with the two IP rules 85, a suspension, not a freeze).
"""

from __future__ import annotations

# (name, condition, weight, description)
DEFAULT_RULES: list[tuple[str, str, int, str]] = [
    ("velocity_org_hour", 'kind == "payment" and velocity_org_1h >= 20', 20, "20+ payments by one buyer in an hour"),
    ("velocity_org_day", 'kind == "payment" and velocity_org_24h >= 60', 10, "60+ payments by one buyer in a day"),
    ("velocity_card_hour", "velocity_card_1h >= 10", 15, "the same card 10+ times in an hour"),
    ("velocity_card_day", "velocity_card_24h >= 30", 10, "the same card 30+ times in a day"),
    ("velocity_ip_hour", "velocity_ip_1h >= 60", 20, "60+ screened actions from one IP address in an hour"),
    ("velocity_ip_day", "velocity_ip_24h >= 500", 10, "500+ screened actions from one IP address in a day"),
    (
        "amount_above_history",
        'kind == "payment" and history_count >= 3 and amount_ratio > 5',
        35,
        "more than 5 times the buyer's median payment in this currency",
    ),
    (
        "card_country_mismatch",
        'card_country != "" and card_country != org_country',
        25,
        "the card is from another country than the buyer",
    ),
    (
        "ip_country_mismatch",
        'ip_country != "" and ip_country != org_country',
        15,
        "the request comes from another country than the organization's",
    ),
    (
        "card_ip_country_mismatch",
        'card_country != "" and ip_country != "" and card_country != ip_country',
        15,
        "the card's country and the request's country differ",
    ),
    (
        "new_account_large_amount",
        'kind == "payment" and account_age_days < 7 and amount_usd >= 10000',
        35,
        "an account younger than 7 days paying USD 10,000 or more",
    ),
    ("failed_payments", "failed_payments_24h >= 3", 40, "3+ failed payments in the last 24 hours"),
    ("new_device", "new_device", 10, "first action from this device"),
    (
        "new_device_account_change",
        'new_device and kind == "account_change"',
        20,
        "a payout account added from a device never seen before",
    ),
    (
        "payout_after_account_change",
        'kind == "payout" and days_since_account_change < 3',
        45,
        "a payout within 3 days of adding a payout account",
    ),
    (
        "account_changes_burst",
        'kind == "account_change" and account_changes_24h >= 2',
        40,
        "a third payout account within 24 hours",
    ),
    ("trusted_organization", "trusted", -100, "allowlisted by staff"),
]
REVIEW_AT, SUSPEND_AT, FREEZE_AT = 65, 75, 100
