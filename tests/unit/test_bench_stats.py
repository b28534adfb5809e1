"""The benchmark's arithmetic: percentiles, trends, paces and when a backlog grows."""

from __future__ import annotations

import pytest

from pipeline.bench.stats import (
    backlog_grows,
    latency_percentiles,
    percentile,
    slope,
    steady_rate,
    sustained_rate,
)


@pytest.mark.parametrize(("values", "q", "expected"), [
    ([5.0], 99, 5.0),
    ([1.0, 2.0, 3.0, 4.0], 50, 2.5),            # between the two middle values
    ([4.0, 1.0, 3.0, 2.0], 50, 2.5),            # order of arrival does not matter
    (list(map(float, range(1, 101))), 95, 95.05),
    (list(map(float, range(1, 101))), 99, 99.01),
    ([1.0, 2.0, 3.0], 0, 1.0),
    ([1.0, 2.0, 3.0], 100, 3.0),
])
def test_percentile_interpolates_between_closest_ranks(values, q, expected):
    assert percentile(values, q) == pytest.approx(expected)


def test_percentile_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        percentile([], 50)


def test_births_that_never_settled_make_high_percentiles_unknown_not_flattering():
    figures = latency_percentiles([1.0] * 90, unsettled=10)
    assert figures["p50"] == 1.0
    assert figures["p95"] is None and figures["p99"] is None
    assert latency_percentiles([1.0] * 97, unsettled=3)["p95"] == 1.0   # 97% did settle in 1 s


def test_percentiles_of_no_births_are_unknown():
    assert latency_percentiles([], 0) == {"p50": None, "p95": None, "p99": None}


def test_slope_is_the_least_squares_trend():
    assert slope([(0, 1), (1, 3), (2, 5)]) == pytest.approx(2.0)
    assert slope([(0, 4)]) == 0.0
    assert slope([(1, 4), (1, 6)]) == 0.0


def steady(rate: float, seconds: int, backlog: float) -> list[tuple[float, float]]:
    return [(float(t), backlog) for t in range(1, seconds + 1)]


def test_a_steady_backlog_does_not_grow():
    assert not backlog_grows(steady(25, 30, 40.0), 25, window_s=10)


def test_a_backlog_growing_at_half_the_rate_grows():
    samples = [(float(t), 12.5 * t) for t in range(1, 21)]
    assert backlog_grows(samples, 25, window_s=10)


def test_the_pipeline_filling_up_in_the_first_window_is_not_growth():
    samples = [(float(t), 25.0 * t) for t in range(1, 14)]   # ramp, 13 s < 1.5 windows
    assert not backlog_grows(samples, 25, window_s=10)


def test_more_than_the_queue_limit_waiting_stops_at_once():
    assert backlog_grows([(2.0, 801.0)], 25, window_s=10, max_queue_s=30)


def test_a_small_backlog_with_an_upward_wobble_is_not_growth():
    samples = [(float(t), 2.0 + (t % 3)) for t in range(1, 31)]
    assert not backlog_grows(samples, 10, window_s=10)


def test_sustained_rate_counts_settles_from_the_first_one_until_load_stopped():
    settled_at = [3.0 + i / 10 for i in range(70)]   # 10/s from 3 s to 9.9 s
    assert sustained_rate(settled_at, end_s=10.0) == pytest.approx(70 / 7.0)


def test_sustained_rate_is_the_drains_pace_when_nothing_settled_in_time():
    settled_at = [12.0 + i / 2 for i in range(11)]   # 2/s, after load stopped at 10 s
    assert sustained_rate(settled_at, end_s=10.0) == pytest.approx(11 / 5.0)


def test_sustained_rate_of_nothing_is_zero():
    assert sustained_rate([], end_s=10.0) == 0.0


def test_steady_rate_leaves_out_the_ramp_and_the_tail():
    counts = [(0.0, 0), (1.0, 0), (2.0, 10), (3.0, 30), (4.0, 50), (5.0, 70), (6.0, 90),
              (7.0, 98), (8.0, 100)]
    assert steady_rate(counts, 100) == pytest.approx(20.0)


def test_steady_rate_before_any_progress_is_unknown():
    assert steady_rate([(0.0, 0), (1.0, 0)], 100) is None
    assert steady_rate([], 100) is None


def test_a_backlog_of_under_three_seconds_of_births_rising_for_a_moment_is_not_growth():
    samples = [(1.0, 11), (2.1, 9), (3.1, 9), (4.2, 15), (5.2, 6), (6.3, 12), (7.3, 15),
               (8.4, 18), (9.4, 27)]   # seen at 10/s on a busy machine, p99 2.9 s
    assert not backlog_grows(samples, 10, window_s=5)


def test_a_backlog_rising_past_three_seconds_of_births_grows():
    samples = [(1.0, 11), (2.0, 21), (3.0, 31), (4.1, 41), (5.1, 40), (6.1, 49), (7.1, 59),
               (8.2, 62)]
    assert backlog_grows(samples, 10, window_s=5)
