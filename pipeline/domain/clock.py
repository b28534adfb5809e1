"""Time comes from an injected clock, never a bare datetime.now() (style.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

Clock = Callable[[], datetime]
WIB = timezone(timedelta(hours=7), "WIB")


def system_clock() -> datetime:
    return datetime.now(UTC)
