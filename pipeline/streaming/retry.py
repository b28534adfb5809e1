"""Back-off schedule and the headers that carry a message's fate between topics."""

from __future__ import annotations

import random

from pipeline.streaming.topics import RETRY_TIERS_S


def tier(attempt: int) -> int:
    """Back-off tier (seconds) before attempt `attempt` (1-based): 1 s, 5 s, 15 s, 1 min, 5 min."""
    return RETRY_TIERS_S[min(max(attempt, 1), len(RETRY_TIERS_S)) - 1]


def backoff(attempt: int, rng: random.Random | None = None) -> float:
    """Seconds before attempt `attempt`, with ±20% jitter so retries of a burst do not align."""
    return tier(attempt) * (0.8 + 0.4 * (rng or random).random())


def header(headers: dict[str, bytes], name: str, default: str = "") -> str:
    value = headers.get(name)
    return value.decode() if isinstance(value, bytes) else (value or default)
