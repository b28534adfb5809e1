"""Recovery: kill -9 one of two workers under load; seconds until its partitions move again."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path

from kafka import TopicPartition
from rich.progress import Progress

from pipeline.bench.births import Supply
from pipeline.bench.environment import Infra, launch
from pipeline.bench.kafkastats import Offsets
from pipeline.bench.load import Intake, SettledCounter, send_open_loop
from pipeline.bench.results import Recovery
from pipeline.bench.schedule import Plan
from pipeline.bench.throughput import watch_settled
from pipeline.config import Settings

STALLED_S = 3.0  # a survivor's partition commits within about a second (commit interval)


@dataclass
class Progression:
    """Per partition: since when it had work beyond its offset at the kill, and when it
    committed past that offset again."""

    at_kill: dict[TopicPartition, int]
    killed_at: float
    pending_since: dict[TopicPartition, float] = field(default_factory=dict)
    moved_at: dict[TopicPartition, float] = field(default_factory=dict)
    last_seen: float = 0.0

    def observe(self, now: float, ends: dict[TopicPartition, int],
                committed: dict[TopicPartition, int]) -> None:
        self.last_seen = now
        for tp, end in ends.items():
            base = max(self.at_kill.get(tp, 0), 0)
            if end > base:
                self.pending_since.setdefault(tp, now)
            if tp in self.pending_since and committed.get(tp, -1) > base:
                self.moved_at.setdefault(tp, now)

    def waits(self) -> dict[TopicPartition, float]:
        """How long each partition with work waited for a commit (from the kill at the earliest)."""
        return {tp: self.moved_at[tp] - max(since, self.killed_at)
                for tp, since in self.pending_since.items() if tp in self.moved_at}

    def watched(self) -> set[TopicPartition]:
        """Partitions that had work long enough before the last look to have moved."""
        return {tp for tp, since in self.pending_since.items()
                if since <= self.last_seen - STALLED_S or tp in self.moved_at}

    def recovered(self) -> bool:
        return bool(self.watched()) and self.watched() <= set(self.moved_at)


async def run_recovery(infra: Infra, where: Path, plan: Plan, progress: Progress) -> Recovery:
    with launch(infra, where, "postgres", workers=2) as env:
        supply = await asyncio.to_thread(Supply, env.siak, "BENCH-K", mothers=1000)
        total = int(plan.recovery_rate * (plan.recovery_warmup_s + plan.recovery_watch_s))
        intake, stop = Intake(env.api), asyncio.Event()
        sender = asyncio.create_task(send_open_loop(intake, supply.take(total),
                                                    plan.recovery_rate, stop))
        offsets, counter = Offsets(env.kafka_bootstrap, env.namespace), SettledCounter(
            env.database_url)
        try:
            await asyncio.sleep(plan.recovery_warmup_s)
            bar = progress.add_task("recovery: killed a worker, waiting for its partitions",
                                    total=None)
            watch = Progression(await asyncio.to_thread(offsets.committed, env.group_id),
                                time.monotonic())
            env.kill(env.worker_names()[-1])
            await asyncio.to_thread(_follow, watch, offsets, env.group_id, plan.recovery_watch_s)
            stop.set()
            posted = await sender
            accepted = sum(1 for p in posted if p.registration_id)
            progress.update(bar, total=accepted, description="recovery: births settling")
            samples = await watch_settled(counter, accepted, plan.drain_s, plan.stall_s,
                                          progress, bar)
        finally:
            await intake.aclose()
            offsets.close()
            counter.close()
    waits = watch.waits()
    timeout = env.stack.env.get("BROKER_SESSION_TIMEOUT") or Settings.model_fields[
        "broker_session_timeout"].default
    return Recovery("postgres", float(timeout),
                    round(max(waits.values()), 2) if watch.recovered() else None,
                    len(watch.watched()), sum(1 for w in waits.values() if w > STALLED_S),
                    accepted, int(samples[-1][1]) if samples else 0)


def _follow(watch: Progression, offsets: Offsets, group_id: str, cap_s: float) -> None:
    """Poll ends and commits every half second for the whole window: a partition of the
    killed worker may get its first new work only late in it."""
    deadline = watch.killed_at + cap_s
    while time.monotonic() < deadline:
        watch.observe(time.monotonic(), offsets.ends(), offsets.committed(group_id))
        time.sleep(0.5)
