"""Open-loop load steps at rising offered loads: latency, pace, backlog, CPU and Kafka use."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from rich.progress import Progress

from pipeline.bench import procstat
from pipeline.bench.births import Supply
from pipeline.bench.environment import Environment
from pipeline.bench.kafkastats import Offsets
from pipeline.bench.load import Intake, Posted, SettledCounter, fetch_settle_times, send_open_loop
from pipeline.bench.results import Series, Step
from pipeline.bench.schedule import JITTER, Plan, births_in_step, due_by
from pipeline.bench.stats import (
    backlog_grows,
    latency_percentiles,
    percentile,
    slope,
    sustained_rate,
)


@dataclass
class Rig:
    """What a load step drives and watches in one environment."""

    env: Environment
    supply: Supply
    intake: Intake
    counter: SettledCounter
    offsets: Offsets
    pids: Callable[[], dict[str, int]]


async def run_series(rig: Rig, label: str, latency_ms: dict[str, int], plan: Plan,
                     progress: Progress) -> Series:
    """Every load of the plan in turn; the loads above one that fell behind are skipped."""
    jitter = await asyncio.to_thread(rig.env.set_latency, latency_ms,
                                     JITTER if any(latency_ms.values()) else 0.0)
    series = Series(rig.env.database, label, latency_ms, jitter)
    for i, rate in enumerate(plan.loads):
        step = await run_step(rig, rate, plan, progress, f"{rig.env.database} {label}")
        series.steps.append(step)
        if step.stopped_early or step.unsettled:
            series.skipped_loads = list(plan.loads[i + 1:])
            break
    return series


async def run_step(rig: Rig, rate: float, plan: Plan, progress: Progress, label: str) -> Step:
    births = rig.supply.take(births_in_step(rate, plan.step_s))
    step = Step(offered_per_s=rate, planned=len(births))
    cpu_before, kafka_before = procstat.usage(rig.pids()), rig.offsets.total()
    base = await asyncio.to_thread(rig.counter.count)
    bar = progress.add_task(f"{label}: {rate:g}/s", total=len(births))
    stop = asyncio.Event()
    sender = asyncio.create_task(send_open_loop(rig.intake, births, rate, stop,
                                                lambda: progress.advance(bar)))
    started = time.monotonic()
    while not sender.done():
        await asyncio.wait([sender], timeout=1.0)
        elapsed = time.monotonic() - started
        settled = await asyncio.to_thread(rig.counter.count) - base
        step.backlog_samples.append((round(elapsed, 2),
                                     due_by(elapsed, rate, len(births)) - settled))
        if not stop.is_set() and backlog_grows(step.backlog_samples, rate,
                                               window_s=plan.window_s):
            stop.set()
            step.stopped_early = True
            progress.update(bar, description=f"{label}: {rate:g}/s (backlog grows: stopping)")
    posted = sender.result()
    await _drain(rig, base, sum(1 for p in posted if p.registration_id), plan)
    step.resources = procstat.per_birth(cpu_before, procstat.usage(rig.pids()),
                                        sum(1 for p in posted if p.registration_id))
    step.kafka_messages = rig.offsets.total() - kafka_before
    progress.update(bar, description=f"{label}: {rate:g}/s (reading the status of each birth)")
    await fetch_settle_times(rig.intake, posted)
    _figures(step, posted, rate, plan)
    progress.update(bar, description=f"{label}: {rate:g}/s done", total=len(posted),
                    completed=len(posted))
    return step


async def _drain(rig: Rig, base: int, accepted: int, plan: Plan) -> None:
    """Wait for the births in flight: all settled, drain_s passed, or none settled for stall_s."""
    started = last_change = time.monotonic()
    last = -1
    while time.monotonic() - started < plan.drain_s:
        settled = await asyncio.to_thread(rig.counter.count) - base
        if settled >= accepted:
            return
        if settled != last:
            last, last_change = settled, time.monotonic()
        elif time.monotonic() - last_change > plan.stall_s:
            return
        await asyncio.sleep(0.5)


def _figures(step: Step, posted: list[Posted], rate: float, plan: Plan) -> None:
    accepted = [p for p in posted if p.registration_id]
    wall0 = posted[0].intended_wall if posted else 0.0
    step.sent, step.accepted = len(posted), len(accepted)
    step.rejected = dict(Counter(str(p.http_status) for p in posted if not p.registration_id))
    left = [p.intended_wall - wall0 + p.lag_s for p in posted]
    step.sending_s = round(max(left, default=0.0) + 1 / rate, 2)
    step.achieved_per_s = round(len(posted) / step.sending_s, 2) if posted else 0.0
    step.send_lag_p99_s = round(percentile([p.lag_s for p in posted], 99), 3) if posted else 0.0
    latencies = [p.settled_wall - p.intended_wall for p in accepted if p.settled_wall]
    step.settled, step.unsettled = len(latencies), len(accepted) - len(latencies)
    step.latency_s = latency_percentiles(latencies, step.unsettled)
    step.latency_max_s = round(max(latencies), 3) if latencies and not step.unsettled else None
    settled_at = [p.settled_wall - wall0 for p in accepted if p.settled_wall]
    step.sustained_per_s = round(sustained_rate(settled_at, step.sending_s), 2)
    later = [s for s in step.backlog_samples if s[0] >= min(plan.window_s, step.sending_s / 2)]
    step.backlog_growth_per_s = round(slope(later), 2)
    step.backlog_final = step.backlog_samples[-1][1] if step.backlog_samples else 0.0
    step.statuses = dict(Counter(p.status or "?" for p in accepted))
    step.kafka_messages_per_birth = (round(step.kafka_messages / len(accepted), 1)
                                     if accepted else None)
