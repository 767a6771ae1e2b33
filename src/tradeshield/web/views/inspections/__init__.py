"""Pre-shipment inspections on the web: the order page's panel, the agency's bookings, photos.

The order page calls `order_panel_context`; its forms post to the views below and come back to the order.
The booking page (`/inspections/<id>/`) is the agency's workspace (schedule, report) and is read-only for
the order's parties and staff. Money-moving forms (the fee, a withdrawal, the buyer's answer, the report that
releases the fee to the agency) run at most once per idempotency key.
"""

from tradeshield.web.views.inspections.actions import decide, fee_pay, plan_update, visit_request, visit_withdraw
from tradeshield.web.views.inspections.bookings import (
    agency_dashboard,
    inspection_detail,
    inspection_list,
    inspection_report,
    inspection_schedule,
    inspection_verdict,
)
from tradeshield.web.views.inspections.files import stored_file
from tradeshield.web.views.inspections.panel import order_panel_context

__all__ = [
    "agency_dashboard",
    "decide",
    "fee_pay",
    "inspection_detail",
    "inspection_list",
    "inspection_report",
    "inspection_schedule",
    "inspection_verdict",
    "order_panel_context",
    "plan_update",
    "stored_file",
    "visit_request",
    "visit_withdraw",
]
