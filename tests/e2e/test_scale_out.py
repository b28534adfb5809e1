"""Two workers in one consumer group, many births in flight, a kill -9 and a rejoin mid-run:
every birth settles, every registry effect happens once, twins' KK versions follow each other.
Real Kafka, real PostgreSQL, the whole stack as processes."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from connectors.hospital_client import HospitalClient
from tests.e2e.conftest import FACILITY, SECRET, RunningStack, launch_stack, reports_for
from tests.e2e.flows import follow
from tests.e2e.test_special_cases import twins

pytestmark = pytest.mark.e2e
SINGLES, RATE = 60, 6.0  # births per second, so the run spans both rebalances


@pytest.fixture(scope="module")
def two_workers(kafka_bootstrap: str, database_url: str,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    overrides = {"STREAM_WINDOW": "16", "BROKER_SESSION_TIMEOUT": "6"}
    with launch_stack(kafka_bootstrap, database_url, tmp_path_factory.mktemp("scale"),
                      overrides, workers=2) as running:
        yield running


async def post_steadily(stack: RunningStack, reports: list[dict[str, Any]]) -> list[str]:
    async with HospitalClient(stack.api, FACILITY, SECRET) as client:
        ids = []
        for report in reports:
            answer = await client.post_birth(report)
            assert answer.status_code == 202, answer.text
            ids.append(answer.json()["registration_id"])
            await asyncio.sleep(1 / RATE)
        return ids


async def crash_and_rejoin(stack: RunningStack) -> None:
    await asyncio.sleep(3)  # births of worker-2's partitions are in flight
    await asyncio.to_thread(stack.stack.kill, "worker-2")
    await asyncio.sleep(4)  # worker-1 takes them over after the session timeout
    await asyncio.to_thread(stack.stack.restart, "worker-2")  # and a rebalance back


async def test_a_rebalance_mid_run_loses_and_repeats_nothing(two_workers: RunningStack) -> None:
    stack = two_workers
    mothers = stack.mothers(SINGLES + 2, offset=300)
    reports = reports_for(mothers[:SINGLES], 31, "E2E-SCALE")
    pairs = twins(mothers[SINGLES], 32, "KEMBARA", "PL") + twins(mothers[SINGLES + 1], 33,
                                                                   "KEMBARB", "LL")
    reports[10:10] = pairs[:2]
    reports[40:40] = pairs[2:]
    ids, _ = await asyncio.gather(post_steadily(stack, reports), crash_and_rejoin(stack))
    final = await follow(stack, ids, timeout=240)
    assert {v["status"] for v in final.values()} == {"AWAITING_APPROVAL"}
    siak = Counter(e["key"] for e in stack.ledger("siak"))
    bpjs = Counter(e["key"] for e in stack.ledger("bpjs"))
    assert {siak[f"{reg}:{k}"] for reg in ids for k in ("nik", "kk", "akta", "kia")} == {1}
    members = [reg for reg in ids if final[reg]["tasks"]["bpjs"]["state"] != "NOT_APPLICABLE"]
    assert members and {bpjs[f"{reg}:bpjs"] for reg in members} == {1}  # not a member: none
    assert len(siak) == 4 * len(ids) and len(bpjs) == len(members)  # and nothing else
    for pair in (pairs[:2], pairs[2:]):
        by_id = {v["notification_id"]: v for v in final.values()}
        versions = sorted(kk_version(stack, by_id[r["notification_id"]]) for r in pair)
        assert versions[1] == versions[0] + 1  # n+1 and n+2: no lost update


def kk_version(stack: RunningStack, view: dict[str, Any]) -> int:
    engine = create_engine(stack.database_url)
    with engine.connect() as conn:
        content = conn.execute(text("SELECT content FROM documents WHERE kind = 'KK' "
                                    "AND registration_id = :reg"),
                               {"reg": view["registration_id"]}).scalar_one()
    engine.dispose()
    return int(content["versi"])
