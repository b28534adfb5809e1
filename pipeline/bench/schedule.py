"""The benchmark plan (loads, step lengths, sizes) and the open-loop send schedule (pure)."""

from __future__ import annotations

import math
from dataclasses import dataclass

LOADS = (10, 25, 50, 100, 200)  # births per second offered
QUICK_LOADS = (10, 25)
# simulator latency settings: no latency, and government APIs as slow as the real ones
LATENCIES: dict[str, dict[str, int]] = {"0 ms": {"siak": 0, "bpjs": 0},
                                        "government": {"siak": 150, "bpjs": 300}}
JITTER = 0.5  # ±50% wanted around each government latency
SECTIONS = ("passthrough", "latency", "replay", "scaleout", "recovery")
DATABASES = ("postgres", "sqlite")


@dataclass(frozen=True)
class Plan:
    """How long and how big every part of one run is; `quick` is for development and CI."""

    quick: bool
    loads: tuple[int, ...]
    step_s: float  # each load step at most this long (earlier if the backlog grows)
    window_s: float  # backlog trend window
    drain_s: float  # after a step, wait at most this long for the births in flight
    stall_s: float  # ... or until nothing settles for this long
    passthrough_messages: int
    passthrough_cap_s: float
    replay_births: int
    scaleout_workers: tuple[int, ...]
    scaleout_births: int
    scaleout_rate: float
    scaleout_cap_s: float
    recovery_rate: float
    recovery_warmup_s: float
    recovery_watch_s: float
    stream_window: int = 16  # in-flight events per agent in the scale-out runs


def plan(quick: bool) -> Plan:
    if quick:
        return Plan(quick=True, loads=QUICK_LOADS, step_s=10, window_s=5, drain_s=30, stall_s=15,
                    passthrough_messages=50_000, passthrough_cap_s=30, replay_births=100,
                    scaleout_workers=(1, 2, 4), scaleout_births=100, scaleout_rate=100,
                    scaleout_cap_s=40, recovery_rate=4, recovery_warmup_s=8,
                    recovery_watch_s=40)
    return Plan(quick=False, loads=LOADS, step_s=60, window_s=10, drain_s=120, stall_s=30,
                passthrough_messages=500_000, passthrough_cap_s=120, replay_births=2000,
                scaleout_workers=(1, 2, 4), scaleout_births=1000, scaleout_rate=200,
                scaleout_cap_s=120, recovery_rate=5, recovery_warmup_s=15, recovery_watch_s=60)


def births_in_step(rate: float, duration_s: float) -> int:
    return max(1, math.floor(rate * duration_s))


def intended_offset(index: int, rate: float) -> float:
    """Seconds after the step's start at which birth `index` is meant to leave (open loop)."""
    return index / rate


def due_by(elapsed_s: float, rate: float, total: int) -> int:
    """How many births the schedule has sent by elapsed_s (the first leaves at 0)."""
    if elapsed_s < 0:
        return 0
    return min(total, math.floor(elapsed_s * rate) + 1)
