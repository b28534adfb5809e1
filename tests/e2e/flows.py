"""Helpers of the end-to-end tests: post signed births and wait until they settle."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from connectors.hospital_client import HospitalClient
from tests.e2e.conftest import FACILITY, SECRET, RunningStack

SETTLED = {"AWAITING_APPROVAL", "COMPLETED", "NEEDS_CORRECTION", "REJECTED"}


async def post_and_follow(stack: RunningStack, reports: list[dict[str, Any]],
                          timeout: float = 120) -> dict[str, dict[str, Any]]:
    async with HospitalClient(stack.api, FACILITY, SECRET) as client:
        answers = await asyncio.gather(*(client.post_birth(r) for r in reports))
        assert [a.status_code for a in answers] == [202] * len(reports), answers[0].text
    return await follow(stack, [a.json()["registration_id"] for a in answers], timeout)


async def follow(stack: RunningStack, ids: list[str],
                 timeout: float = 120) -> dict[str, dict[str, Any]]:
    async with HospitalClient(stack.api, FACILITY, SECRET) as client:
        final: dict[str, dict[str, Any]] = {}
        deadline = time.monotonic() + timeout
        while len(final) < len(ids) and time.monotonic() < deadline:
            for reg in ids:
                if reg not in final:
                    view = (await client.get_birth(reg)).json()
                    if view["status"] in SETTLED:
                        final[reg] = view
            await asyncio.sleep(0.3)
        missing = [reg for reg in ids if reg not in final]
        assert not missing, (await client.get_birth(missing[0])).json()
        return final


async def wait_for_akta(client: HospitalClient, reg: str) -> dict[str, Any]:
    return await wait_until(client, reg, "AWAITING_APPROVAL",
                             lambda view: "number" in view["tasks"]["akta"])


async def wait_until(client: HospitalClient, reg: str, status: str,
                      extra: Callable[[dict[str, Any]], bool] = lambda _view: True,
                      ) -> dict[str, Any]:
    deadline = time.monotonic() + 90
    view: dict[str, Any] = {}
    while time.monotonic() < deadline:
        view = (await client.get_birth(reg)).json()
        if view["status"] == status and extra(view):
            return view
        await asyncio.sleep(0.3)
    raise AssertionError(view)
