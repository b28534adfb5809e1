"""The open-loop schedule and the plan of a benchmark run."""

from __future__ import annotations

import pytest

from pipeline.bench.schedule import (
    LOADS,
    births_in_step,
    due_by,
    intended_offset,
    plan,
)


def test_births_leave_at_fixed_intervals_whatever_came_before():
    assert [intended_offset(i, 25) for i in range(4)] == [0.0, 0.04, 0.08, 0.12]


@pytest.mark.parametrize(("elapsed", "due"), [
    (-1.0, 0), (0.0, 1), (0.099, 1), (0.1, 2), (0.95, 10), (5.0, 10),
])
def test_due_by_counts_the_births_the_schedule_has_sent(elapsed, due):
    assert due_by(elapsed, rate=10, total=10) == due


def test_a_step_sends_rate_times_duration_births():
    assert births_in_step(25, 60) == 1500
    assert births_in_step(0.5, 1) == 1


def test_the_full_plan_offers_every_load_for_a_minute():
    full = plan(quick=False)
    assert full.loads == LOADS == (10, 25, 50, 100, 200)
    assert full.step_s >= 60
    assert full.scaleout_workers == (1, 2, 4)


def test_the_quick_plan_is_shorter_in_every_part():
    quick, full = plan(quick=True), plan(quick=False)
    assert quick.quick and len(quick.loads) < len(full.loads)
    for part in ("step_s", "drain_s", "passthrough_messages", "replay_births",
                 "scaleout_births", "recovery_watch_s"):
        assert getattr(quick, part) < getattr(full, part)
