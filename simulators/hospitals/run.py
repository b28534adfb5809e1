"""Post a planned day through the signed intake API, follow every birth, and sum it up."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from simulators.hospitals.day import Planned
from simulators.hospitals.facilities import dev_secret

SETTLED = {"AWAITING_APPROVAL", "COMPLETED", "NEEDS_CORRECTION", "REJECTED"}


def signed(facility: str, method: str, path: str, body: bytes) -> dict[str, str]:
    """The hospital side of contract.md 2.1, written apart from Lahir's own client on purpose."""
    ts, nonce = str(int(time.time())), secrets.token_urlsafe(18)
    canonical = "\n".join([method, path, ts, nonce, hashlib.sha256(body).hexdigest()]).encode()
    mac = hmac.new(dev_secret(facility).encode(), canonical, hashlib.sha256).digest()
    return {"X-Facility-Id": facility, "X-Timestamp": ts, "X-Nonce": nonce,
            "X-Signature": base64.b64encode(mac).decode(), "Content-Type": "application/json"}


@dataclass
class Outcome:
    planned: Planned
    http_status: int = 0
    registration_id: str | None = None
    errors: list[str] = field(default_factory=list)
    view: dict[str, Any] | None = None


async def post_day(api: str, day: list[Planned], *, rate: float | None,
                   progress: Any = None) -> list[Outcome]:
    """Open loop: each report leaves at its intended time (rate per second) or at once."""
    outcomes = [Outcome(p) for p in day]
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=api, timeout=30) as client:
        async def post(i: int, outcome: Outcome) -> None:
            if rate:
                await asyncio.sleep(max(0.0, started + i / rate - time.monotonic()))
            body = json.dumps(outcome.planned.report).encode()
            answer = await client.post("/v1/births", content=body,
                                       headers=signed(outcome.planned.facility, "POST",
                                                      "/v1/births", body))
            outcome.http_status = answer.status_code
            if answer.status_code in (200, 202):
                outcome.registration_id = answer.json()["registration_id"]
            else:
                outcome.errors = [e["code"] for e in answer.json().get("errors", [])] or ["-"]
            if progress:
                progress()

        gate = asyncio.Semaphore(32)

        async def gated(i: int, outcome: Outcome) -> None:
            async with gate:
                await post(i, outcome)

        await asyncio.gather(*(gated(i, o) for i, o in enumerate(outcomes)))
    return outcomes


async def follow(api: str, outcomes: list[Outcome], *, stall_s: float = 60,
                 progress: Any = None) -> None:
    """Poll each accepted birth's status until it settles, or until nothing moves for stall_s."""
    pending = [o for o in outcomes if o.registration_id]
    last_change = time.monotonic()
    async with httpx.AsyncClient(base_url=api, timeout=30) as client:
        while pending and time.monotonic() - last_change < stall_s:
            for outcome in list(pending):
                path = f"/v1/births/{outcome.registration_id}"
                view = (await client.get(path, headers=signed(outcome.planned.facility, "GET",
                                                               path, b""))).json()
                outcome.view = view
                if view["status"] in SETTLED:
                    pending.remove(outcome)
                    last_change = time.monotonic()
                    if progress:
                        progress()
            await asyncio.sleep(0.5)


def summarise(outcomes: list[Outcome]) -> dict[str, Any]:
    """Accepted, rejected by reason, final states, and time from report to each state."""
    rejected = Counter(f"{o.http_status} {','.join(o.errors)}" for o in outcomes
                       if not o.registration_id)
    views = [o.view for o in outcomes if o.view]
    to_state: dict[str, list[float]] = defaultdict(list)
    for view in views:
        start = datetime.fromisoformat(view["received_at"])
        for entry in view["timeline"]:
            if entry["event"].startswith("status.") or entry["event"] == "drafts.ready":
                seconds = (datetime.fromisoformat(entry["at"]) - start).total_seconds()
                to_state[entry["event"]].append(seconds)
    return {
        "posted": len(outcomes), "accepted": sum(1 for o in outcomes if o.registration_id),
        "rejected": dict(rejected),
        "status": dict(Counter(v["status"] for v in views)),
        "tasks": dict(Counter(f"{k}:{t['state']}" for v in views for k, t in v["tasks"].items())),
        "seconds_to": {event: {"median": round(statistics.median(xs), 2),
                               "p95": round(sorted(xs)[int(0.95 * (len(xs) - 1))], 2),
                               "n": len(xs)} for event, xs in sorted(to_state.items())},
    }


def outcome_signature(outcomes: list[Outcome]) -> dict[str, Any]:
    """What must be equal between two runs of the same seed: per report, status and task states."""
    return {o.planned.report["notification_id"]: (
        o.http_status, tuple(o.errors), o.view and o.view["status"],
        o.view and tuple(sorted((k, t["state"]) for k, t in o.view["tasks"].items())),
        o.view and tuple(sorted(p["code"] for p in o.view["problems"])))
        for o in outcomes}
