"""Fault injection for the simulators: latency, 503s, outages and lost answers (contract.md 6)."""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

EXEMPT_PREFIXES = ("/_sim", "/healthz", "/readyz")


class FaultSettings(BaseModel):
    """Body of POST /_sim/faults; fields left out keep their current value."""

    model_config = ConfigDict(extra="forbid")
    latency_ms: int = Field(default=0, ge=0, le=120_000)
    # each call waits latency_ms ± up to this much, uniformly (never below 0)
    latency_jitter_ms: int = Field(default=0, ge=0, le=120_000)
    error_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    outage_seconds: float = Field(default=0.0, ge=0.0, le=86_400.0)
    drop_response_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    drop_hang_seconds: float = Field(default=30.0, ge=0.0, le=600.0)
    seed: int | None = None  # reseeds the fault RNG, for reproducible runs


@dataclass
class Faults:
    """Current faults; `monotonic` is injectable so tests can move outages along."""

    latency_ms: int = 0
    latency_jitter_ms: int = 0
    error_rate: float = 0.0
    outage_until: float | None = None
    drop_response_rate: float = 0.0
    drop_hang_seconds: float = 30.0
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    monotonic: Callable[[], float] = time.monotonic

    def configure(self, settings: FaultSettings) -> None:
        given = settings.model_fields_set
        switches = ("latency_ms", "latency_jitter_ms", "error_rate", "drop_response_rate",
                    "drop_hang_seconds")
        for name in switches:
            if name in given:
                setattr(self, name, getattr(settings, name))
        if "outage_seconds" in given:
            seconds = settings.outage_seconds
            self.outage_until = self.monotonic() + seconds if seconds > 0 else None
        if settings.seed is not None:
            self.rng.seed(settings.seed)

    def clear(self) -> None:
        self.latency_ms, self.error_rate, self.drop_response_rate = 0, 0.0, 0.0
        self.latency_jitter_ms = 0
        self.outage_until, self.drop_hang_seconds = None, 30.0

    def outage_left(self) -> float:
        if self.outage_until is None:
            return 0.0
        return max(0.0, self.outage_until - self.monotonic())

    def delay_s(self) -> float:
        """How long this call waits: latency_ms, spread uniformly by ± latency_jitter_ms."""
        if not self.latency_jitter_ms:
            return self.latency_ms / 1000
        spread = self.rng.uniform(-self.latency_jitter_ms, self.latency_jitter_ms)
        return max(0.0, self.latency_ms + spread) / 1000

    def rejects(self) -> bool:
        """503 now: during an outage, or by chance at error_rate."""
        return self.outage_left() > 0 or self.rng.random() < self.error_rate

    def drops(self) -> bool:
        return self.rng.random() < self.drop_response_rate

    def snapshot(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms,
            "latency_jitter_ms": self.latency_jitter_ms,
            "error_rate": self.error_rate,
            "outage_seconds_left": round(self.outage_left(), 3),
            "drop_response_rate": self.drop_response_rate,
            "drop_hang_seconds": self.drop_hang_seconds,
        }


class FaultMiddleware:
    """Pure ASGI so a dropped answer can really be lost (the connection is cut, no response)."""

    def __init__(self, app: ASGIApp, faults: Faults, exempt_prefixes: tuple[str, ...]) -> None:
        self.app, self.faults, self.exempt = app, faults, exempt_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt):
            await self.app(scope, receive, send)
            return
        faults = self.faults
        if faults.latency_ms or faults.latency_jitter_ms:
            await asyncio.sleep(faults.delay_s())
        if faults.rejects():
            await _unavailable(send, faults.outage_left())
            return
        if not faults.drops():
            await self.app(scope, receive, send)
            return
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await self.app(scope, receive, hold)  # the effect happens ...
        await asyncio.sleep(faults.drop_hang_seconds)  # ... and the answer never arrives
        start = next((m for m in held if m["type"] == "http.response.start"), None)
        if start is not None:
            await send(start)
            await send({"type": "http.response.body", "body": b"", "more_body": True})
        # returning with the body incomplete makes uvicorn close the connection


async def _unavailable(send: Send, outage_left: float) -> None:
    body = json.dumps(
        {"code": "LAYANAN_TIDAK_TERSEDIA", "message": "layanan sedang tidak tersedia (simulated)"}
    ).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if outage_left > 0:
        headers.append((b"retry-after", str(int(outage_left) + 1).encode()))
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def install_faults(
    app: FastAPI,
    *,
    exempt_prefixes: tuple[str, ...] = EXEMPT_PREFIXES,
    faults: Faults | None = None,
) -> Faults:
    """Adds the fault middleware and GET/POST/DELETE /_sim/faults; returns the shared state."""
    state = faults or Faults()
    app.add_middleware(FaultMiddleware, faults=state, exempt_prefixes=exempt_prefixes)

    @app.get("/_sim/faults", tags=["_sim"])
    async def get_faults() -> dict[str, Any]:
        return state.snapshot()

    @app.post("/_sim/faults", tags=["_sim"])
    async def set_faults(settings: FaultSettings) -> dict[str, Any]:
        state.configure(settings)
        return state.snapshot()

    @app.delete("/_sim/faults", tags=["_sim"])
    async def clear_faults() -> dict[str, Any]:
        state.clear()
        return state.snapshot()

    return state


class Ledger:
    """In-memory record of applied effects: one entry per idempotency key, thread-safe."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self._clock = clock or (lambda: datetime.now(UTC))
        self._effects: list[dict[str, Any]] = []
        self._by_key: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def find(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            return self._by_key.get(key)

    def record(self, key: str, effect: str, result: Any) -> dict[str, Any]:
        """Adds the effect unless the key is already there; returns the stored entry."""
        with self._lock:
            if key in self._by_key:
                return self._by_key[key]
            entry = {
                "key": key,
                "effect": effect,
                "at": self._clock().isoformat(),
                "result": result,
            }
            self._effects.append(entry)
            self._by_key[key] = entry
            return entry

    def effects(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._effects)
