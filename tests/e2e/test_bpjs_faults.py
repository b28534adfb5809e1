"""BPJS on a bad day: every eligible birth still enrols exactly once once the faults stop."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from connectors.hospital_client import HospitalClient
from tests.e2e.conftest import FACILITY, SECRET, RunningStack, reports_for
from tests.e2e.flows import follow, post_and_follow

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
OUTCOMES = {"ENROLLED", "AWAITING_PAYMENT"}


@pytest.fixture(scope="module")
def stack_overrides() -> dict[str, str]:
    return {"HTTP_TIMEOUT_S": "2", "MAX_ATTEMPTS": "8"}  # client gives up before a slow answer


@pytest.fixture
def bpjs_faults(stack: RunningStack) -> Iterator[Any]:
    def switch(**faults: Any) -> None:
        httpx.post(f"{stack.bpjs}/_sim/faults", json=faults, timeout=5).raise_for_status()

    yield switch
    httpx.delete(f"{stack.bpjs}/_sim/faults", timeout=5).raise_for_status()


def check_one_enrolment_per_child(stack: RunningStack, final: dict[str, dict[str, Any]]) -> None:
    ledger = Counter(e["key"] for e in stack.ledger("bpjs"))
    for reg, view in final.items():
        bpjs = view["tasks"]["bpjs"]
        assert bpjs["state"] in OUTCOMES | {"NOT_APPLICABLE"}, view
        expected = 1 if bpjs["state"] in OUTCOMES else 0
        assert ledger[f"{reg}:bpjs"] == expected, (reg, bpjs)
    assert sum(1 for v in final.values() if v["tasks"]["bpjs"]["state"] in OUTCOMES) > 0


@pytest.mark.parametrize(("faults", "offset"), [
    pytest.param({"latency_ms": 3000}, 200, id="latency beyond the client timeout"),
    pytest.param({"error_rate": 0.7}, 220, id="5xx bursts"),
    pytest.param({"drop_response_rate": 0.6, "drop_hang_seconds": 3}, 240,
                 id="responses dropped after the effect"),
])
async def test_faults_lose_and_duplicate_no_enrolment(stack: RunningStack, bpjs_faults: Any,
                                                       faults: dict[str, Any], offset: int) -> None:
    bpjs_faults(**faults, seed=offset)
    reports = reports_for(stack.mothers(6, offset=offset), offset, f"E2E-FAULT-{offset}")
    async with HospitalClient(stack.api, FACILITY, SECRET) as client:
        answers = [await client.post_birth(r) for r in reports]
    assert {a.status_code for a in answers} == {202}
    await asyncio.sleep(8)  # the faults hit the first attempts
    httpx.delete(f"{stack.bpjs}/_sim/faults", timeout=5).raise_for_status()
    final = await follow(stack, [a.json()["registration_id"] for a in answers], timeout=240)
    check_one_enrolment_per_child(stack, final)
    assert any(e["event"] == "task.retrying" and e.get("task") == "bpjs"
               for v in final.values() for e in v["timeline"])  # the faults did bite


async def test_a_minute_long_outage_is_ridden_out(stack: RunningStack, bpjs_faults: Any) -> None:
    bpjs_faults(outage_seconds=60)
    started = time.monotonic()
    reports = reports_for(stack.mothers(5, offset=260), 260, "E2E-OUTAGE")
    final = await post_and_follow(stack, reports, timeout=300)
    assert time.monotonic() - started >= 55  # nothing enrolled while BPJS was down
    check_one_enrolment_per_child(stack, final)
    assert any(e["event"] == "task.retrying" for v in final.values() for e in v["timeline"])
