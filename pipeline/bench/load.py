"""Open-loop load through the signed intake API, and what became of each birth."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import OperationalError

from connectors.hospital_client import HospitalClient
from pipeline.bench.births import Birth
from pipeline.bench.schedule import intended_offset
from pipeline.persistence.facilities import SYNTHETIC_FACILITIES, dev_secret
from pipeline.persistence.tables import Registration

SETTLED = ("AWAITING_APPROVAL", "COMPLETED", "NEEDS_CORRECTION", "REJECTED")
SETTLING_EVENTS = ("drafts.ready", "status.needs_correction")
MAX_IN_FLIGHT = 256  # requests open at once; beyond it births wait (and count as late)


@dataclass
class Posted:
    birth: Birth
    intended_wall: float  # epoch seconds it was meant to leave
    lag_s: float = 0.0  # how much later than intended it left
    http_status: int = 0
    registration_id: str | None = None
    settled_wall: float | None = None
    status: str | None = None


class Intake:
    """One signing client per synthetic facility over a shared connection pool."""

    def __init__(self, api: str) -> None:
        limits = httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=64)
        self.http = httpx.AsyncClient(base_url=api, timeout=60, limits=limits)
        self.clients = {code: HospitalClient(api, code, dev_secret(code), client=self.http)
                        for code, _, _ in SYNTHETIC_FACILITIES}

    async def post(self, posted: Posted) -> None:
        try:
            answer = await self.clients[posted.birth.facility].post_birth(posted.birth.body)
        except httpx.HTTPError:
            posted.http_status = -1
            return
        posted.http_status = answer.status_code
        if answer.status_code in (200, 202):
            posted.registration_id = answer.json()["registration_id"]

    async def settle_time(self, posted: Posted) -> None:
        """When the status API says the birth settled (drafts ready or needs correction)."""
        assert posted.registration_id
        view: dict[str, Any] = (await self.clients[posted.birth.facility]
                                .get_birth(posted.registration_id)).json()
        posted.status = view.get("status")
        times = [e["at"] for e in view.get("timeline", []) if e["event"] in SETTLING_EVENTS]
        if times:
            posted.settled_wall = datetime.fromisoformat(times[0]).timestamp()

    async def aclose(self) -> None:
        await self.http.aclose()


async def send_open_loop(intake: Intake, births: Sequence[Birth], rate: float,
                         stop: asyncio.Event, on_sent: Callable[[], None] | None = None,
                         ) -> list[Posted]:
    """Each birth leaves at its intended time, whatever the answers before it did; `stop`
    ends the schedule early (births already due are still sent)."""
    started, wall = time.monotonic(), time.time()
    gate = asyncio.Semaphore(MAX_IN_FLIGHT)
    posted: list[Posted] = []
    tasks: list[asyncio.Task[None]] = []

    async def one(item: Posted, due: float) -> None:
        async with gate:
            item.lag_s = max(0.0, time.monotonic() - due)
            await intake.post(item)
        if on_sent:
            on_sent()

    for i, birth in enumerate(births):
        due = started + intended_offset(i, rate)
        if await _stopped_before(stop, due - time.monotonic()):
            break
        item = Posted(birth, wall + intended_offset(i, rate))
        posted.append(item)
        tasks.append(asyncio.create_task(one(item, due)))
    await asyncio.gather(*tasks)
    return posted


async def _stopped_before(stop: asyncio.Event, delay: float) -> bool:
    if delay > 0:
        try:
            await asyncio.wait_for(stop.wait(), delay)
        except TimeoutError:
            return False
    return stop.is_set()


async def fetch_settle_times(intake: Intake, posted: Sequence[Posted], parallel: int = 16) -> None:
    gate = asyncio.Semaphore(parallel)

    async def one(item: Posted) -> None:
        async with gate:
            await intake.settle_time(item)

    await asyncio.gather(*(one(p) for p in posted if p.registration_id))


class SettledCounter:
    """How many registrations have settled, straight from the database (cheap to poll)."""

    def __init__(self, database_url: str) -> None:
        self.engine = create_engine(database_url, pool_size=1, max_overflow=0)
        self.query = select(func.count()).select_from(Registration).where(
            Registration.status.in_(SETTLED))
        self.last = 0

    def count(self) -> int:
        """The count now; the previous one while SQLite is busy with a writer."""
        try:
            with self.engine.connect() as connection:
                self.last = int(connection.scalar(self.query) or 0)
        except OperationalError:
            pass
        return self.last

    def close(self) -> None:
        self.engine.dispose()
