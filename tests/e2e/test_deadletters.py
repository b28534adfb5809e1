"""What fails after the last attempt is dead-lettered with its reason, listed and re-driven."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import Counter

import httpx
import pytest

from connectors.hospital_client import HospitalClient
from tests.e2e.conftest import FACILITY, SECRET, RunningStack, reports_for
from tests.e2e.flows import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


@pytest.fixture(scope="module")
def stack_overrides() -> dict[str, str]:
    return {"MAX_ATTEMPTS": "2", "HTTP_TIMEOUT_S": "2"}


def lahir(stack: RunningStack, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **stack.env, "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_a_dead_lettered_enrolment_is_listed_and_redriven_once(stack: RunningStack) -> None:
    httpx.post(f"{stack.bpjs}/_sim/faults", json={"error_rate": 1.0}).raise_for_status()
    other = reports_for(stack.mothers(1, offset=300), 30, "E2E-DLQ-OTHER")[0]
    report = reports_for(stack.mothers(1, offset=301), 31, "E2E-DLQ")[0]
    async with HospitalClient(stack.api, FACILITY, SECRET) as client:
        reg = (await client.post_birth(report)).json()["registration_id"]
        failed = await wait_until(client, reg, "IN_PROGRESS",
                                   lambda v: v["tasks"]["bpjs"]["state"] == "FAILED")
        assert [p["code"] for p in failed["problems"]] == ["DEAD_LETTERED"]
        httpx.delete(f"{stack.bpjs}/_sim/faults").raise_for_status()
        # other births are not held up by the one that failed
        other_reg = (await client.post_birth(other)).json()["registration_id"]
        await wait_until(client, other_reg, "AWAITING_APPROVAL")

        listing = await asyncio.to_thread(lahir, stack, "deadletters", "list")
        assert reg in listing and "transient" in listing and "tasks.bpjs" in listing
        first = await asyncio.to_thread(lahir, stack, "deadletters", "redrive", reg)
        second = await asyncio.to_thread(lahir, stack, "deadletters", "redrive", reg)
        assert "re-driven: 1" in first and "re-driven: 0" in second
        final = await wait_until(client, reg, "AWAITING_APPROVAL")
    assert final["problems"] == [] and final["tasks"]["bpjs"]["state"] != "FAILED"
    ledger = Counter(e["key"] for e in stack.ledger("bpjs"))
    enrolled = final["tasks"]["bpjs"]["state"] in {"ENROLLED", "AWAITING_PAYMENT"}
    assert ledger[f"{reg}:bpjs"] == (1 if enrolled else 0)
