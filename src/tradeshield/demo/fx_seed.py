"""Demo exchange rates, so the demo can pay an order in another currency (issue 7, item 7).

Every pair among a few currencies, derived from the reference rates of `kit.fx` and stamped with the
(simulation) clock's now. Rates older than TRADESHIELD_FX_MAX_AGE_HOURS are refused at payment: load
fresh ones with `tradeshield fx load FILE` when the demo has run for longer than that.
"""

from __future__ import annotations

import json
from decimal import Decimal

from tradeshield.kit import clock
from tradeshield.kit.fx import DEFAULT_RATES_PER_USD
from tradeshield.payments.exchange import rates_load

DEMO_CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CNY", "BRL", "KWD")


def seed_fx_rates() -> int:
    now = clock.now().isoformat()
    rows = [
        {
            "base": base,
            "quote": quote,
            "rate": str((DEFAULT_RATES_PER_USD[quote] / DEFAULT_RATES_PER_USD[base]).quantize(Decimal("1e-10"))),
            "source": "TradeShield demo reference rates",
            "as_of": now,
        }
        for base in DEMO_CURRENCIES
        for quote in DEMO_CURRENCIES
        if base != quote
    ]
    return rates_load(json.dumps(rows), filename="demo-rates.json")
