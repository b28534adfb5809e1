"""Simulate, record, replay: the same seed gives the same day; a replay adds no effect anywhere;
a replay into a fresh environment reproduces NIKs, akta numbers and states."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from sqlalchemy import create_engine, func, select

from pipeline.persistence.tables import Document, OutboxMessage
from pipeline.replay import Selection, export, read_file, recorded, replay
from pipeline.streaming import topics
from simulators.hospitals.day import WIB, Shares, plan_day
from simulators.hospitals.run import Outcome, follow, outcome_signature, post_day
from simulators.population import generate
from tests.e2e.conftest import RunningStack, launch_stack

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
BIRTHS, SEED, RATE = 8, 5, 0.5  # slow enough that births are processed one after another
CALM = Shares(twins=0.0, clerk_error=0.25)  # twins' serials could swap between runs


@pytest.fixture(scope="module")
def day() -> list[Any]:
    yesterday = (datetime.now(UTC).astimezone(WIB) - timedelta(days=1)).date()
    return plan_day(generate(3673, 600), yesterday, BIRTHS, SEED, CALM)


async def simulate(stack: RunningStack, day: list[Any]) -> list[Outcome]:
    outcomes = await post_day(stack.api, day, rate=RATE)
    await follow(stack.api, outcomes, stall_s=60)
    return outcomes


@pytest.fixture(scope="module")
def original(stack: RunningStack, day: list[Any]) -> list[Outcome]:
    return asyncio.run(simulate(stack, day))


def consumer_caught_up(stack: RunningStack, timeout: float = 60) -> None:
    """Wait until the workers' consumer group has committed past every births.reported record."""
    name = topics.BIRTHS_REPORTED.name(stack.namespace)
    group = f"lahir-pipeline-{stack.namespace}"
    admin = KafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap)
    consumer = KafkaConsumer(bootstrap_servers=stack.kafka_bootstrap)
    ends = consumer.end_offsets([TopicPartition(name, p)
                                 for p in consumer.partitions_for_topic(name) or ()])
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            committed = admin.list_group_offsets(group).get(group, {})
            if all(end == 0 or (tp in committed and committed[tp].offset >= end)
                   for tp, end in ends.items()):
                return
            time.sleep(0.5)
        raise AssertionError(f"group {group} did not reach {ends}")
    finally:
        admin.close()
        consumer.close()


def effects(stack: RunningStack) -> dict[str, Any]:
    engine = create_engine(stack.database_url)
    with engine.connect() as conn:
        counts = {"documents": conn.scalar(select(func.count()).select_from(Document)),
                  "outbox": conn.scalar(select(func.count()).select_from(OutboxMessage))}
    engine.dispose()
    return {**counts, "siak": Counter(e["key"] for e in stack.ledger("siak")),
            "bpjs": Counter(e["key"] for e in stack.ledger("bpjs"))}


def by_registration(outcomes: list[Outcome]) -> dict[str, Any]:
    return {o.registration_id: (o.view["child_nik"], o.view["tasks"].get("akta", {}).get("number"),
                                o.view["status"],
                                sorted((k, t["state"]) for k, t in o.view["tasks"].items()))
            for o in outcomes if o.registration_id and o.view}


async def test_the_same_seed_gives_the_same_day(stack: RunningStack, original: list[Outcome],
                                                day: list[Any], kafka_bootstrap: str,
                                                database_url: str, tmp_path: Path) -> None:
    assert sum(1 for o in original if o.registration_id) >= BIRTHS - 3
    assert any(not o.registration_id for o in original) or any(
        o.view and o.view["status"] == "NEEDS_CORRECTION" for o in original)  # clerk errors
    with launch_stack(kafka_bootstrap, database_url, tmp_path) as second:
        again = await simulate(second, day)
    assert outcome_signature(again) == outcome_signature(original)


async def test_replaying_a_recorded_run_over_the_live_pipeline_adds_no_effect(
        stack: RunningStack, original: list[Outcome], tmp_path: Path) -> None:
    consumer_caught_up(stack)
    before = effects(stack)
    events = list(recorded(stack.kafka_bootstrap, stack.namespace, Selection()))
    assert len(events) == sum(1 for o in original if o.registration_id)
    result = replay(events, stack.kafka_bootstrap, stack.namespace)
    assert result.events == len(events)
    consumer_caught_up(stack)
    time.sleep(3)  # any task a replay could trigger would be requested by now
    assert effects(stack) == before


async def test_a_replay_into_a_fresh_environment_reproduces_the_outcomes(
        stack: RunningStack, original: list[Outcome], kafka_bootstrap: str, database_url: str,
        tmp_path: Path) -> None:
    ours = {o.registration_id for o in original if o.registration_id}
    recording = tmp_path / "day.jsonl"
    assert export(recorded(stack.kafka_bootstrap, stack.namespace, Selection()), recording) \
        == len(ours)
    events = sorted(read_file(recording), key=lambda e: e["time"])
    with launch_stack(kafka_bootstrap, database_url, tmp_path) as fresh:
        replay(events, fresh.kafka_bootstrap, fresh.namespace, rate=RATE)
        copies = [Outcome(o.planned, o.http_status, o.registration_id) for o in original]
        await follow(fresh.api, copies, stall_s=60)
    assert by_registration(copies) == by_registration(original)
    assert all(nik for nik, *_ in by_registration(copies).values()
               if nik is not None) and len(by_registration(copies)) == len(ours)
