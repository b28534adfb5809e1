"""On demand (`make bench`): intake, pipeline and replay throughput on this machine.

Open loop: reports leave at their intended times; figures are printed and written to
var/bench/throughput.json, never asserted."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pipeline.replay import Selection, recorded, replay
from simulators.hospitals.day import WIB, Shares, plan_day
from simulators.hospitals.run import Outcome, follow, post_day, summarise
from simulators.population import generate
from tests.e2e.conftest import RunningStack, launch_stack

pytestmark = [pytest.mark.benchmark]
BIRTHS = 300


def settle_seconds(outcomes: list[Outcome]) -> float:
    """From the first timeline entry (report received, or materialized by a replay) to the last
    registration settled (drafts ready or needs correction)."""
    views = [o.view for o in outcomes if o.view]
    start = min(datetime.fromisoformat(v["timeline"][0]["at"]) for v in views)
    ends = [datetime.fromisoformat(e["at"]) for v in views for e in v["timeline"]
            if e["event"] in ("drafts.ready", "status.needs_correction")]
    return (max(ends) - start).total_seconds()


def test_throughput(stack: RunningStack, kafka_bootstrap: str, database_url: str,
                    tmp_path: Path) -> None:
    yesterday = (datetime.now(UTC).astimezone(WIB) - timedelta(days=1)).date()
    day = plan_day(generate(3673, 600), yesterday, BIRTHS, 11, Shares(twins=0, clerk_error=0))
    started = time.monotonic()
    outcomes = asyncio.run(post_day(stack.api, day, rate=None))
    posted_s = time.monotonic() - started
    asyncio.run(follow(stack.api, outcomes, stall_s=120))
    live = summarise(outcomes)

    events = sorted(recorded(stack.kafka_bootstrap, stack.namespace, Selection()),
                    key=lambda e: e["time"])
    with launch_stack(kafka_bootstrap, database_url, tmp_path) as fresh:
        sent = replay(events, fresh.kafka_bootstrap, fresh.namespace)
        copies = [Outcome(o.planned, o.http_status, o.registration_id) for o in outcomes]
        asyncio.run(follow(fresh.api, copies, stall_s=120))
    accepted = sum(1 for o in outcomes if o.registration_id)
    figures: dict[str, Any] = {
        "births": BIRTHS, "accepted": accepted,
        "intake_births_per_s": round(BIRTHS / posted_s, 1),
        "pipeline_births_per_s": round(accepted / settle_seconds(outcomes), 1),
        "replay_publish_events_per_s": round(sent.per_second, 1),
        "replay_processed_births_per_s": round(accepted / settle_seconds(copies), 1),
        "report_to_drafts_ready_s": live["seconds_to"].get("drafts.ready"),
        "statuses": live["status"], "database": "PostgreSQL", "workers": 1,
    }
    out = Path("var/bench/throughput.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))  # noqa: T201
