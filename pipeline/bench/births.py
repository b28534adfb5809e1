"""Synthetic birth reports for the load: SIAK simulator mothers, each report unique."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from pipeline.births import birth_report
from pipeline.domain.clock import WIB
from pipeline.persistence.facilities import SYNTHETIC_FACILITIES

SIM_KEY = {"X-Api-Key": "lahir-dev-siak-key"}
PAGE = 1000  # the simulator's largest sample


@dataclass(frozen=True)
class Birth:
    facility: str
    notification_id: str
    body: bytes


class Supply:
    """Plain live births to happy-path mothers (every one should reach drafts ready), cycling
    through the mothers with distinct birth times when a run needs more births than mothers."""

    def __init__(self, siak_url: str, prefix: str, *, mothers: int = 4000, seed: int = 2026):
        self.rng, self.prefix, self.count = random.Random(seed), prefix, 0
        self.mothers = _sample(siak_url, mothers + 2)
        self.witnesses = tuple({"nik": m["nik"], "name": m["nama"]} for m in self.mothers[-2:])
        self.mothers = self.mothers[:-2]
        self.now = datetime.now(UTC)

    def take(self, n: int) -> list[Birth]:
        return [self._next() for _ in range(n)]

    def _next(self) -> Birth:
        i, self.count = self.count, self.count + 1
        mother = self.mothers[i % len(self.mothers)]
        notification = f"{self.prefix}-{i:06d}"
        report = birth_report(mother, self.rng, notification_id=notification, now=self.now,
                              witnesses=self.witnesses)  # type: ignore[arg-type]
        # one second apart, from a day ago backwards: never the same mother, time and order
        born = (self.now - timedelta(days=1, seconds=i)).astimezone(WIB).replace(microsecond=0)
        report["born_at"] = born.isoformat()
        facility = SYNTHETIC_FACILITIES[i % len(SYNTHETIC_FACILITIES)][0]
        return Birth(facility, notification, json.dumps(report).encode())


def _sample(siak_url: str, n: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    with httpx.Client(base_url=siak_url, headers=SIM_KEY, timeout=30) as client:
        while len(found) < n:
            answer = client.get("/_sim/population/sample",
                                params={"n": min(PAGE, n - len(found)), "kind": "happy",
                                        "offset": len(found)})
            answer.raise_for_status()
            page = answer.json()
            if not page:
                break
            found.extend(page)
    if len(found) < 3:
        raise RuntimeError(f"the SIAK simulator at {siak_url} offered {len(found)} mothers")
    return found
