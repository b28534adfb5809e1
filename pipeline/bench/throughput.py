"""Births/s through the whole pipeline: a replay into a fresh environment, and scale-out."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from rich.progress import Progress, TaskID

from pipeline.bench.births import Supply
from pipeline.bench.environment import Environment, Infra, launch
from pipeline.bench.kafkastats import Offsets
from pipeline.bench.load import Intake, SettledCounter, send_open_loop
from pipeline.bench.results import Replay, ScaleoutRow
from pipeline.bench.schedule import JITTER, LATENCIES, Plan
from pipeline.bench.stats import Sample, steady_rate
from pipeline.replay import Selection, recorded, replay
from pipeline.streaming import topics

FAST = 1000.0  # births/s asked of the open loop when a batch should go in as fast as it can


async def watch_settled(counter: SettledCounter, total: int, cap_s: float, stall_s: float,
                        progress: Progress, bar: TaskID) -> list[Sample]:
    """(seconds, births settled) every half second until all settled, cap_s, or a stall."""
    started = last_change = time.monotonic()
    samples: list[Sample] = []
    while time.monotonic() - started < cap_s:
        settled = await asyncio.to_thread(counter.count)
        now = time.monotonic()
        if not samples or settled != samples[-1][1]:
            last_change = now
        samples.append((round(now - started, 2), settled))
        progress.update(bar, completed=settled)
        if settled >= total or now - last_change > stall_s:
            break
        await asyncio.sleep(0.5)
    return samples


async def run_replay(infra: Infra, where: Path, database: str, plan: Plan,
                     progress: Progress) -> Replay:
    """Record births in one environment, replay births.reported.v1 into a fresh one."""
    with launch(infra, where, database) as source:
        accepted = await _post_batch(source, plan.replay_births, "BENCH-RP", FAST, progress)
        await asyncio.to_thread(_wait_recorded, source, accepted, plan.drain_s)
    events = await asyncio.to_thread(lambda: sorted(
        recorded(infra.kafka_bootstrap, source.namespace, Selection()), key=lambda e: e["time"]))
    with launch(infra, where, database) as target:
        counter = SettledCounter(target.database_url)
        bar = progress.add_task(f"replay into a fresh {database} environment", total=len(events))
        watcher = asyncio.create_task(watch_settled(counter, len(events), plan.drain_s * 3,
                                                    plan.stall_s * 2, progress, bar))
        sent = await asyncio.to_thread(replay, events, infra.kafka_bootstrap, target.namespace)
        samples = await watcher
        counter.close()
    settled = int(samples[-1][1]) if samples else 0
    seconds = _settle_span(samples)
    return Replay(database, len(events), round(sent.per_second, 1), settled, round(seconds, 2),
                  round(settled / seconds, 2) if seconds else None)


async def run_scaleout(infra: Infra, where: Path, plan: Plan,
                       progress: Progress) -> list[ScaleoutRow]:
    """Births/s with 1, 2, 4 workers, government-API latency, a fixed in-flight window each."""
    rows = []
    for workers in plan.scaleout_workers:
        overrides = {"STREAM_WINDOW": str(plan.stream_window)}
        with launch(infra, where, "postgres", workers=workers, overrides=overrides) as env:
            await asyncio.to_thread(env.set_latency, LATENCIES["government"], JITTER)
            counter = SettledCounter(env.database_url)
            bar = progress.add_task(f"scale-out: {workers} worker(s)", total=plan.scaleout_births)
            watcher = asyncio.create_task(watch_settled(
                counter, plan.scaleout_births, plan.scaleout_cap_s, plan.stall_s, progress, bar))
            accepted = await _post_batch(env, plan.scaleout_births, f"BENCH-S{workers}",
                                         plan.scaleout_rate, progress)
            samples = await watcher
            counter.close()
        settled = int(samples[-1][1]) if samples else 0
        rows.append(ScaleoutRow(workers, "postgres", plan.stream_window, accepted, settled,
                                samples[-1][0] if samples else 0.0,
                                _rounded(steady_rate(samples, accepted)), plan.scaleout_rate))
    return rows


async def _post_batch(env: Environment, n: int, prefix: str, rate: float,
                      progress: Progress) -> int:
    supply = await asyncio.to_thread(Supply, env.siak, prefix, mothers=n)
    intake = Intake(env.api)
    bar = progress.add_task(f"posting {n} births", total=n)
    try:
        posted = await send_open_loop(intake, supply.take(n), rate, asyncio.Event(),
                                      lambda: progress.advance(bar))
    finally:
        await intake.aclose()
    return sum(1 for p in posted if p.registration_id)


def _wait_recorded(env: Environment, accepted: int, cap_s: float) -> None:
    """Until the relay has put every accepted report on births.reported.v1 (or cap_s)."""
    offsets = Offsets(env.kafka_bootstrap, env.namespace)
    name = topics.BIRTHS_REPORTED.name(env.namespace)
    deadline = time.monotonic() + cap_s
    try:
        while time.monotonic() < deadline:
            if sum(n for tp, n in offsets.ends().items() if tp.topic == name) >= accepted:
                return
            time.sleep(0.5)
    finally:
        offsets.close()


def _settle_span(samples: list[Sample]) -> float:
    """Seconds from the start until the settled count last moved."""
    if not samples:
        return 0.0
    final = samples[-1][1]
    return next(t for t, n in samples if n == final)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
