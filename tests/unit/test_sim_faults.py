"""The simulators' latency switch: a fixed delay, or one spread by a seeded jitter."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from simulators.faults import Faults, FaultSettings


def test_without_jitter_every_call_waits_the_set_latency() -> None:
    faults = Faults()
    faults.configure(FaultSettings(latency_ms=150))
    assert {faults.delay_s() for _ in range(50)} == {0.15}


def test_jitter_spreads_the_delay_within_its_bounds_and_is_reproducible_by_seed() -> None:
    faults = Faults()
    faults.configure(FaultSettings(latency_ms=300, latency_jitter_ms=150, seed=7))
    first = [faults.delay_s() for _ in range(500)]
    assert min(first) >= 0.15 and max(first) <= 0.45
    assert max(first) - min(first) > 0.25  # really spread, not one value
    faults.configure(FaultSettings(seed=7))
    assert [faults.delay_s() for _ in range(500)] == first


def test_jitter_never_makes_a_negative_delay_and_clear_resets_it() -> None:
    faults = Faults()
    faults.configure(FaultSettings(latency_ms=10, latency_jitter_ms=100))
    assert min(faults.delay_s() for _ in range(500)) == 0.0
    assert faults.snapshot()["latency_jitter_ms"] == 100
    faults.clear()
    assert faults.delay_s() == 0.0 and faults.snapshot()["latency_jitter_ms"] == 0


def test_a_negative_jitter_is_refused() -> None:
    with pytest.raises(ValidationError):
        FaultSettings(latency_jitter_ms=-1)
