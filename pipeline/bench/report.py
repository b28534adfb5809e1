"""report.json and the markdown tables of a benchmark run (pure: data in, text out)."""

from __future__ import annotations

import json
from dataclasses import asdict

from pipeline.bench.results import Report, Series, Step

DATABASE_NAMES = {"postgres": "PostgreSQL", "sqlite": "SQLite"}


def to_json(report: Report) -> str:
    return json.dumps(asdict(report), indent=2, ensure_ascii=False)


def kept_up(step: Step) -> bool:
    return not step.stopped_early and not step.unsettled


def reference_step(series: Series) -> Step | None:
    """The highest load the pipeline kept up with, else the first step: where CPU is read."""
    good = [s for s in series.steps if kept_up(s)]
    return good[-1] if good else (series.steps[0] if series.steps else None)


def markdown(report: Report) -> str:
    mode = "quick" if report.quick else "full"
    parts = [f"## Benchmark, {report.started_at} ({mode} run, {report.cores} cores)"]
    if report.latency:
        parts += [_latency_table(report.latency), _resources_table(report.latency)]
    if report.passthrough:
        parts.append(_kafka_section(report))
    if report.replay:
        r = report.replay
        parts.append("\n".join([
            "### Replay into a fresh environment", "",
            "| database | births | published/s | settled | seconds | births/s |",
            "|---|---:|---:|---:|---:|---:|",
            f"| {_db(r.database)} | {r.births} | {r.publish_per_s:g} | {r.settled} | "
            f"{r.seconds:g} | {_num(r.births_per_s)} |"]))
    if report.scaleout:
        rows = [f"| {r.workers} | {r.stream_window} | {r.births} at {r.offered_per_s:g}/s | "
                f"{r.settled} | {r.seconds:g} | {_num(r.births_per_s)} |" for r in report.scaleout]
        parts.append("\n".join([
            "### Scale-out (PostgreSQL, government-API latency; births/s: pace of the settled "
            "count between 10% and 90% of the batch)", "",
            "| workers | window per agent | births offered | settled | seconds | births/s |",
            "|---:|---:|---:|---:|---:|---:|", *rows]))
    if report.recovery:
        k = report.recovery
        parts.append("\n".join([
            "### Recovery: kill -9 of one worker of two", "",
            "| session timeout s | partitions watched | stalled > 3 s | seconds until all move "
            "| births accepted / settled |", "|---:|---:|---:|---:|---:|",
            f"| {k.session_timeout_s:g} | {k.partitions_watched} | {k.partitions_stalled} | "
            f"{_num(k.seconds)} | {k.accepted} / {k.settled} |"]))
    if report.notes:
        parts.append("\n".join(["### Notes", "", *(f"- {n}" for n in report.notes)]))
    return "\n\n".join(parts) + "\n"


def _latency_table(all_series: list[Series]) -> str:
    rows = []
    for series in all_series:
        where = f"{_db(series.database)} | {series.latency}"
        for s in series.steps:
            rows.append(f"| {where} | {s.offered_per_s:g} | {s.achieved_per_s:g} | "
                        f"{s.sustained_per_s:g} | {_num(s.latency_s.get('p50'))} | "
                        f"{_num(s.latency_s.get('p95'))} | {_num(s.latency_s.get('p99'))} | "
                        f"{s.backlog_growth_per_s:+g} | {_num(s.kafka_messages_per_birth)} | "
                        f"{_step_note(s)} |")
        if series.skipped_loads and series.steps:
            loads = ", ".join(f"{x:g}" for x in series.skipped_loads)
            rows.append(f"| {where} | {loads} | | | | | | | | not run: fell behind at "
                        f"{series.steps[-1].offered_per_s:g}/s |")
    return "\n".join([
        "### Report → all drafts ready, open loop (latency from the intended send time)", "",
        "| database | simulators | offered/s | sent/s | settled/s | p50 s | p95 s | p99 s | "
        "backlog growth/s | Kafka msgs/birth | note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|", *rows])


def _step_note(step: Step) -> str:
    notes = []
    if step.stopped_early:
        notes.append(f"stopped after {step.sending_s:g} s: backlog grew")
    if step.unsettled:
        notes.append(f"{step.unsettled} not settled in time")
    if step.rejected:
        notes.append("rejected " + ", ".join(f"{k}: {v}" for k, v in step.rejected.items()))
    return "; ".join(notes)


def _resources_table(all_series: list[Series]) -> str:
    picked = [(s, step) for s in all_series if (step := reference_step(s))]
    names = sorted({n for _, step in picked for n in step.resources.peak_rss_mib},
                   key=_process_order)
    header = " | ".join(f"{_db(s.database)} {s.latency} @ {step.offered_per_s:g}/s"
                        for s, step in picked)
    rows = []
    for name in names:
        cells = []
        for _, step in picked:
            cpu = step.resources.cpu_ms_per_birth.get(name)
            rss = step.resources.peak_rss_mib.get(name)
            cells.append(f"{_num(cpu)} ms · {_num(rss)} MiB" if rss is not None else "")
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join([
        "### CPU-ms per accepted birth · peak RSS, per process (at the highest load kept up)", "",
        f"| process | {header} |", "|---|" + "---:|" * len(picked), *rows])


def _kafka_section(report: Report) -> str:
    p = report.passthrough
    assert p is not None
    lines = ["### Kafka: Lahir's share of the broker", "",
             f"Raw aiokafka on the same broker (1 producer + 1 consumer in one process, "
             f"{p.message_bytes} B, acks=all, commit per batch): "
             f"**{p.passthrough_per_s:g} messages/s** produced, consumed and committed "
             f"({p.produced_per_s:g}/s produced; {p.messages} messages in {p.seconds:g} s)."]
    for series in report.latency:
        step = reference_step(series)
        if step and step.kafka_messages_per_birth and p.passthrough_per_s:
            used = step.sustained_per_s * step.kafka_messages_per_birth
            lines.append(f"- {_db(series.database)}, {series.latency}, "
                         f"{step.offered_per_s:g}/s: {step.kafka_messages_per_birth:g} messages "
                         f"per birth × {step.sustained_per_s:g} births/s = {used:.0f} messages/s, "
                         f"{100 * used / p.passthrough_per_s:.1f}% of that ceiling")
    return "\n".join(lines)


def _process_order(name: str) -> tuple[int, str]:
    order = ("api", "relay", "worker", "siak", "bpjs", "notify", "kafka", "postgres", "bench")
    return next((i for i, o in enumerate(order) if name.startswith(o)), len(order)), name


def _db(name: str) -> str:
    return DATABASE_NAMES.get(name, name)


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"
