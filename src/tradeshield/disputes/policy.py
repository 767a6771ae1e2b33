"""The dispute rules' numbers (from the design's protection policy table)."""

from __future__ import annotations

from datetime import timedelta

POST_SALES_WINDOW = timedelta(days=30)  # after confirmed receipt
SUPPLIER_RESPONSE = timedelta(days=3)  # then the buyer's request is granted
BUYER_MAY_ESCALATE_AFTER = timedelta(days=3)  # "from day 4"
AUTO_ESCALATE_AFTER = timedelta(days=7)  # "on day 8"
ASSIGN_WORKING_DAYS = 2
APPEAL_WINDOW = timedelta(days=7)
EVIDENCE_DAYS_DEFAULT = 5
EVIDENCE_DAYS_MAX = 30
ASSIGN_RETRY = timedelta(hours=1)  # no expert free: try again
EVIDENCE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
EVIDENCE_PURPOSE = "dispute_evidence"
MIN_REASONS = 20  # characters of written reasons for a decision
