"""Back-off schedule and the headers that carry a message's fate between topics."""

from __future__ import annotations

import random

BACKOFF_S = (1.0, 5.0, 15.0, 60.0, 300.0)


def backoff(attempt: int, rng: random.Random | None = None) -> float:
    """Seconds before attempt `attempt` (1-based), with ±20% jitter so retries do not align."""
    base = BACKOFF_S[min(attempt, len(BACKOFF_S)) - 1]
    return base * (0.8 + 0.4 * (rng or random).random())


def header(headers: dict[str, bytes], name: str, default: str = "") -> str:
    value = headers.get(name)
    return value.decode() if isinstance(value, bytes) else (value or default)
