"""`lahir simulate`: the hospital simulator with a progress bar and a summary table."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.config import Settings
from simulators.hospitals.day import WIB, plan_day
from simulators.hospitals.run import follow, post_day, summarise
from simulators.population import generate


async def run_simulation(settings: Settings, *, births: int, seed: int, day: str | None,
                         rate: float | None, api: str | None, console: Console) -> dict[str, Any]:
    the_day = date.fromisoformat(day) if day else (datetime.now(UTC).astimezone(WIB)
                                                    - timedelta(days=1)).date()
    population = generate(settings.population_seed, settings.population_families)
    planned = plan_day(population, the_day, births, seed)
    base = api or f"http://{settings.api_host}:{settings.api_port}"
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        bar = progress.add_task(f"posting {the_day}", total=len(planned))
        outcomes = await post_day(base, planned, rate=rate,
                                  progress=lambda: progress.advance(bar))
        accepted = sum(1 for o in outcomes if o.registration_id)
        wait = progress.add_task("following", total=accepted)
        await follow(base, outcomes, progress=lambda: progress.advance(wait))
    summary = summarise(outcomes)
    _print(console, summary)
    return summary


def _print(console: Console, summary: dict[str, Any]) -> None:
    table = Table("what", "value", title="Hospital simulation")
    table.add_row("posted", str(summary["posted"]))
    table.add_row("accepted", str(summary["accepted"]))
    for reason, n in summary["rejected"].items():
        table.add_row(f"rejected {reason}", str(n))
    for key in ("status", "tasks"):
        for name, n in sorted(summary[key].items()):
            table.add_row(f"{key} {name}", str(n))
    for event, figures in summary["seconds_to"].items():
        table.add_row(f"report → {event}", f"median {figures['median']} s, "
                                           f"p95 {figures['p95']} s (n={figures['n']})")
    console.print(table)
