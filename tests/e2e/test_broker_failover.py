"""Three Kafka nodes, one killed with SIGKILL mid-run: no birth lost, no registry effect twice.

The stack (two workers in one consumer group, PostgreSQL) runs on a three-node KRaft cluster
whose topics are replicated three times with min.insync.replicas 2. The node killed is the
coordinator of the consumer groups (leader of __consumer_offsets) and leads a third of every
topic's partitions, so the workers, the relay and the API's producer all fail over.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator

import pytest

from connectors.hospital_client import HospitalClient
from pipeline.infra.kafka_cluster import KafkaCluster, kafka_cluster
from pipeline.streaming import admin
from tests.e2e.conftest import FACILITY, SECRET, RunningStack, launch_stack, reports_for
from tests.e2e.flows import follow

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

BIRTHS = 60
REGISTRY_TASKS = ("nik", "kk", "akta", "kia")


@pytest.fixture(scope="module")
def cluster() -> Iterator[KafkaCluster]:
    with kafka_cluster(3) as running:
        yield running


@pytest.fixture(scope="module")
def stack(cluster: KafkaCluster, database_url: str,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    with launch_stack(cluster.bootstrap, database_url, tmp_path_factory.mktemp("failover"),
                      workers=2, replication_factor=3) as running:
        yield running


def group_coordinator(bootstrap: str) -> int:
    """The node leading __consumer_offsets (one partition: it coordinates every group)."""
    with admin.admin_client(bootstrap) as client:
        (offsets,) = client.describe_topics(["__consumer_offsets"])
    return int(offsets["partitions"][0]["leader_id"])


async def wait_for_first_settled(client: HospitalClient, ids: list[str]) -> None:
    """Until one birth is through every task: the others are on their way (mid-run)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for reg in ids:
            if (await client.get_birth(reg)).json()["status"] == "AWAITING_APPROVAL":
                return
        await asyncio.sleep(0.2)
    raise AssertionError("no birth settled before the broker was killed")


async def test_a_killed_broker_loses_no_birth_and_repeats_no_effect(
        cluster: KafkaCluster, stack: RunningStack) -> None:
    reports = reports_for(stack.mothers(BIRTHS, offset=300), seed=9, prefix="E2E-BROKER")
    half = BIRTHS // 2
    async with HospitalClient(stack.api, FACILITY, SECRET) as client:
        answers = list(await asyncio.gather(*(client.post_birth(r) for r in reports[:half])))
        await wait_for_first_settled(client, [a.json()["registration_id"] for a in answers])
        cluster.kill(victim := group_coordinator(cluster.bootstrap))
        answers += await asyncio.gather(*(client.post_birth(r) for r in reports[half:]))
    assert [a.status_code for a in answers] == [202] * BIRTHS, answers[-1].text
    ids = [a.json()["registration_id"] for a in answers]

    final = await follow(stack, ids, timeout=360)

    assert not cluster.node(victim).running
    assert {reg: v["status"] for reg, v in final.items()} == dict.fromkeys(
        ids, "AWAITING_APPROVAL")
    siak = Counter(e["key"] for e in stack.ledger("siak"))
    assert {siak[f"{reg}:{kind}"] for reg in ids for kind in REGISTRY_TASKS} == {1}
    assert set(siak.values()) == {1}, "a SIAK effect happened twice"
    bpjs = Counter(e["key"] for e in stack.ledger("bpjs"))
    for reg, view in final.items():
        enrolled = view["tasks"]["bpjs"]["state"] in {"ENROLLED", "AWAITING_PAYMENT"}
        assert bpjs[f"{reg}:bpjs"] == int(enrolled), (reg, view["tasks"]["bpjs"])
    assert set(bpjs.values()) <= {1}, "a BPJS effect happened twice"
