"""The demo flow: synthetic births through the signed API, followed until every draft is ready."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from connectors.hospital_client import HospitalClient
from pipeline.births import birth_report
from pipeline.config import Settings
from pipeline.persistence.facilities import SYNTHETIC_FACILITIES, dev_secret

SETTLED = {"AWAITING_APPROVAL", "COMPLETED", "NEEDS_CORRECTION", "REJECTED"}
STALL_S = 60.0  # stop waiting when no birth settles for this long


async def run_demo(settings: Settings, *, births: int, seed: int, console: Console,
                   timeout_s: float = 600) -> bool:
    from connectors.siak_client import SiakHttpClient

    rng = random.Random(seed)
    siak = SiakHttpClient(settings.siak_url, settings.siak_api_key.get_secret_value())
    mothers = await asyncio.to_thread(siak.sample_mothers, births + 2, "happy",
                                      rng.randint(0, 5000))
    siak.close()
    witnesses = tuple({"nik": m["nik"], "name": m["nama"]} for m in mothers[-2:])
    run = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    now = datetime.now(UTC)
    reports = [(rng.choice(SYNTHETIC_FACILITIES)[0],
                birth_report(m, rng, notification_id=f"DEMO-{run}-{i:05d}", now=now,
                             witnesses=witnesses))  # type: ignore[arg-type]
               for i, m in enumerate(mothers[:births])]
    clients = {code: HospitalClient(f"http://{settings.api_host}:{settings.api_port}", code,
                                    dev_secret(code)) for code, _, _ in SYNTHETIC_FACILITIES}
    try:
        accepted, rejected = await _post_all(clients, reports, console)
        final = await _follow(clients, accepted, console, timeout_s)
    finally:
        for client in clients.values():
            await client.aclose()
    return _summarise(console, len(reports), rejected, final)


def _progress(console: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console)


async def _post_all(clients: dict[str, HospitalClient], reports: list[tuple[str, dict[str, Any]]],
                    console: Console) -> tuple[dict[str, str], Counter[str]]:
    accepted: dict[str, str] = {}  # registration id -> facility
    rejected: Counter[str] = Counter()
    gate = asyncio.Semaphore(16)
    with _progress(console) as progress:
        bar = progress.add_task("posting births", total=len(reports))

        async def post(facility: str, report: dict[str, Any]) -> None:
            async with gate:
                response = await clients[facility].post_birth(report)
            if response.status_code in (200, 202):
                accepted[response.json()["registration_id"]] = facility
            else:
                codes = [e["code"] for e in response.json().get("errors", [])] or ["-"]
                rejected[f"{response.status_code} {','.join(codes)}"] += 1
            progress.advance(bar)

        await asyncio.gather(*(post(f, r) for f, r in reports))
    return accepted, rejected


async def _follow(clients: dict[str, HospitalClient], accepted: dict[str, str], console: Console,
                  timeout_s: float) -> dict[str, dict[str, Any]]:
    final: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout_s
    last_change = time.monotonic()
    with _progress(console) as progress:
        bar = progress.add_task("waiting for drafts", total=len(accepted))
        while len(final) < len(accepted) and time.monotonic() < deadline:
            for reg, facility in list(accepted.items()):
                if reg in final:
                    continue
                view = (await clients[facility].get_birth(reg)).json()
                if view["status"] in SETTLED:
                    final[reg] = view
                    progress.advance(bar)
                    last_change = time.monotonic()
            if time.monotonic() - last_change > STALL_S:
                console.print(f"[red]no progress for {STALL_S:.0f} s; summarising[/red]")
                break
            await asyncio.sleep(1.0)
    for reg, facility in accepted.items():
        final.setdefault(reg, (await clients[facility].get_birth(reg)).json())
    return final


def _summarise(console: Console, posted: int, rejected: Counter[str],
               final: dict[str, dict[str, Any]]) -> bool:
    statuses = Counter(v["status"] for v in final.values())
    tasks = Counter(f"{k}: {t['state']}" for v in final.values() for k, t in v["tasks"].items())
    latencies = sorted(filter(None, (_drafts_ready_s(v) for v in final.values())))
    table = Table("what", "count", title="Lahir demo summary")
    table.add_row("births posted", str(posted))
    table.add_row("accepted", str(len(final)))
    for reason, n in rejected.items():
        table.add_row(f"rejected {reason}", str(n))
    for status, n in sorted(statuses.items()):
        table.add_row(f"status {status}", str(n))
    for task, n in sorted(tasks.items()):
        table.add_row(f"  task {task}", str(n))
    if latencies:
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
        table.add_row("report → all drafts ready, median", f"{statistics.median(latencies):.2f} s")
        table.add_row("report → all drafts ready, p95", f"{p95:.2f} s")
        table.add_row("report → all drafts ready, max", f"{latencies[-1]:.2f} s")
    console.print(table)
    return not rejected and statuses.get("AWAITING_APPROVAL", 0) == posted


def _drafts_ready_s(view: dict[str, Any]) -> float | None:
    ready = [e["at"] for e in view["timeline"] if e["event"] == "drafts.ready"]
    if not ready:
        return None
    start = datetime.fromisoformat(view["received_at"])
    return (datetime.fromisoformat(ready[0]) - start).total_seconds()
