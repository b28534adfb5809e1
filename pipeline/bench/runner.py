"""Runs the parts of `lahir bench` in order; writes report.json, report.md and latency.png."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import traceback
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.bench.births import Supply
from pipeline.bench.environment import Infra, infrastructure, launch
from pipeline.bench.kafkastats import Offsets
from pipeline.bench.latency import Rig, run_series
from pipeline.bench.load import Intake, SettledCounter
from pipeline.bench.passthrough import passthrough
from pipeline.bench.plot import plot_latency
from pipeline.bench.recovery import run_recovery
from pipeline.bench.report import markdown, to_json
from pipeline.bench.results import Report, Series
from pipeline.bench.schedule import LATENCIES, SECTIONS, Plan, births_in_step, plan
from pipeline.bench.throughput import run_replay, run_scaleout

MAX_MOTHERS = 15_000  # about all the happy-path mothers of the default population


@dataclass(frozen=True)
class Options:
    quick: bool = False
    only: str | None = None
    databases: tuple[str, ...] = ("postgres", "sqlite")
    out: Path = Path("var/bench")


def run(options: Options, console: Console) -> Report:
    the_plan = plan(options.quick)
    for noisy in ("aiokafka", "kafka"):  # their transient warnings would break the progress bars
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    report = Report(started_at=_now(), quick=options.quick, cores=os.cpu_count() or 1,
                    sections=[options.only] if options.only else list(SECTIONS),
                    databases=list(options.databases), notes=_notes())
    envs = options.out / "envs"  # each environment's logs stay here until the next run
    shutil.rmtree(envs, ignore_errors=True)
    for stale in options.out.glob("*-error.txt"):
        stale.unlink()
    envs.mkdir(parents=True, exist_ok=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with ExitStack() as servers:
        with console.status("starting the bench's own Kafka and PostgreSQL ..."):
            infra = servers.enter_context(infrastructure())
        with Progress(*columns, console=console) as progress:
            asyncio.run(_sections(report, infra, envs, the_plan, options, progress, console))
    report.finished_at = _now()
    write(report, options.out)
    return report


async def _sections(report: Report, infra: Infra, envs: Path, the_plan: Plan, options: Options,
                    progress: Progress, console: Console) -> None:
    async def latency() -> None:
        for database in options.databases:
            for label, latency_ms in LATENCIES.items():
                report.latency.append(await _series(infra, envs, database, label, latency_ms,
                                                    the_plan, progress))

    async def replay() -> None:
        report.replay = await run_replay(infra, envs, options.databases[0], the_plan, progress)

    async def scaleout() -> None:
        report.scaleout = await run_scaleout(infra, envs, the_plan, progress)

    async def recovery() -> None:
        report.recovery = await run_recovery(infra, envs, the_plan, progress)

    async def raw() -> None:
        report.passthrough = await passthrough(infra.kafka_bootstrap,
                                               the_plan.passthrough_messages,
                                               the_plan.passthrough_cap_s)

    parts: dict[str, Callable[[], Awaitable[None]]] = {
        "passthrough": raw, "latency": latency, "replay": replay, "scaleout": scaleout,
        "recovery": recovery}
    for name in report.sections:
        try:
            await parts[name]()
        except Exception as exc:  # one part failing must not lose the others' figures
            console.print(f"[red]{name} failed: {exc}[/red]")
            report.notes.append(f"{name} not measured: {type(exc).__name__}: {exc}"[:300])
            (options.out / f"{name}-error.txt").write_text(traceback.format_exc())
        write(report, options.out)


async def _series(infra: Infra, envs: Path, database: str, label: str,
                  latency_ms: dict[str, int], the_plan: Plan, progress: Progress) -> Series:
    needed = sum(births_in_step(rate, the_plan.step_s) for rate in the_plan.loads)
    with launch(infra, envs, database) as env:
        prefix = f"BENCH-{database[:2].upper()}{sum(latency_ms.values())}"
        supply = await asyncio.to_thread(Supply, env.siak, prefix,
                                         mothers=min(needed, MAX_MOTHERS))
        extra = infra.pids() if database == "postgres" else {"kafka": infra.pids()["kafka"]}
        rig = Rig(env, supply, Intake(env.api), SettledCounter(env.database_url),
                  Offsets(env.kafka_bootstrap, env.namespace),
                  lambda: {**env.pids(), **extra, "bench": os.getpid()})
        try:
            return await run_series(rig, label, latency_ms, the_plan, progress)
        finally:
            await rig.intake.aclose()
            rig.counter.close()
            rig.offsets.close()


def write(report: Report, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(to_json(report))
    (out / "report.md").write_text(markdown(report))
    plot_latency(report.latency, out / "latency.png")


def _notes() -> list[str]:
    return [
        "Open loop: each birth leaves at its intended time; latency runs from that time to "
        "the status API's drafts.ready (or needs-correction) entry.",
        "A step stops early once its backlog (births due minus settled) clearly grows; "
        "loads above it are not run.",
        "The bench starts its own single-node Kafka (replication 1) and a durable PostgreSQL "
        "(fsync on) on free ports; load generator, stack and both servers share the machine "
        "(the generator's CPU is the 'bench' row). PostgreSQL's figures sum its processes "
        "(peak RSS adds each backend's, shared memory counted more than once).",
    ]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
