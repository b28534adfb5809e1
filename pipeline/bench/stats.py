"""Percentiles, rates and backlog trends of benchmark samples (pure functions)."""

from __future__ import annotations

import math
from collections.abc import Sequence

Sample = tuple[float, float]  # (seconds since the step began, value)
QUANTILES = (50, 95, 99)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), interpolating linearly between closest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_percentiles(settled: Sequence[float], unsettled: int = 0,
                        quantiles: Sequence[int] = QUANTILES) -> dict[str, float | None]:
    """p50/p95/p99 of all accepted births; births that never settled count as infinitely late,
    so a percentile that falls among them is unknown (None), never flattered."""
    values = [*settled, *([math.inf] * unsettled)]
    if not values:
        return {f"p{q}": None for q in quantiles}
    found = {f"p{q}": percentile(values, q) for q in quantiles}
    return {k: (None if math.isinf(v) or math.isnan(v) else round(v, 3)) for k, v in found.items()}


def slope(samples: Sequence[Sample]) -> float:
    """Least-squares slope of value over time (per second); 0 with fewer than two times."""
    if len(samples) < 2:
        return 0.0
    mean_t = sum(t for t, _ in samples) / len(samples)
    mean_v = sum(v for _, v in samples) / len(samples)
    spread = sum((t - mean_t) ** 2 for t, _ in samples)
    if spread == 0:
        return 0.0
    return sum((t - mean_t) * (v - mean_v) for t, v in samples) / spread


def backlog_grows(samples: Sequence[Sample], rate: float, *, window_s: float,
                  max_queue_s: float = 30.0) -> bool:
    """Whether the backlog (births due minus births settled) clearly grows: over the last
    window its trend exceeds 15% of the offered rate and more than 3 s of births wait, or more
    than max_queue_s of births wait at all. The first window and a half (the pipeline filling
    up) are ignored; so is a short wobble of a backlog a few seconds' worth."""
    if not samples:
        return False
    now, backlog = samples[-1]
    if backlog > rate * max_queue_s:
        return True
    if now < 1.5 * window_s:
        return False
    recent = [s for s in samples if s[0] >= now - window_s]
    return slope(recent) > max(0.15 * rate, 0.5) and backlog > max(3 * rate, 10)


def sustained_rate(settled_at: Sequence[float], end_s: float) -> float:
    """Births settled per second from the first settle until load stopped (end_s; seconds since
    the step began): the pace the pipeline kept while load was offered. When nothing settled
    before load stopped, the pace of the drain."""
    times = sorted(settled_at)
    if not times:
        return 0.0
    start = times[0]
    if end_s - start < 1.0:
        end_s = times[-1]
    if end_s <= start:
        return 0.0
    return sum(1 for t in times if t <= end_s) / (end_s - start)


def steady_rate(counts: Sequence[Sample], total: int, low: float = 0.1,
                high: float = 0.9) -> float | None:
    """Births/s while a batch drains: slope of the settled count between `low` and `high` of
    the batch (the ramp up and the tail left out); None before any progress."""
    if not counts or total <= 0:
        return None
    inside = [(t, n) for t, n in counts if low * total <= n <= high * total]
    if len(inside) < 2:
        inside = [(t, n) for t, n in counts if n > 0]
    if len(inside) < 2:
        return None
    (t0, n0), (t1, n1) = inside[0], inside[-1]
    return (n1 - n0) / (t1 - t0) if t1 > t0 else None
