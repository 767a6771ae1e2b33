"""Latency summaries (pure: no database, no Django)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (the value below which `pct` % of the samples fall); 0.0 if empty."""
    if not 0 <= pct <= 100:
        raise ValueError(f"percentile must be within 0..100, got {pct}")
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Latency:
    """Milliseconds."""

    count: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float

    @classmethod
    def of_seconds(cls, samples: Sequence[float]) -> Latency:
        ms = [s * 1000 for s in samples]
        return cls(
            count=len(ms),
            p50_ms=round(percentile(ms, 50), 3),
            p90_ms=round(percentile(ms, 90), 3),
            p99_ms=round(percentile(ms, 99), 3),
            max_ms=round(max(ms, default=0.0), 3),
            mean_ms=round(sum(ms) / len(ms), 3) if ms else 0.0,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def ratio(value: float, reference: float) -> float | None:
    return round(value / reference, 4) if reference > 0 else None


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)
