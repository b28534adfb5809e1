"""Many events in flight, acknowledged in order: a bounded window with per-key lanes.

Faust 0.15.3 with `concurrency>1` can commit past a message still in flight (faust-streaming
issue #606, fix #707 unmerged). So an agent reads with `stream.noack()` and hands each event to
a window: events of one key (a registration, a KK) run one after another, other keys run side by
side, and an event is acked only once it and every earlier event of its partition are done, so
faust only ever sees a partition's offsets acked in sequence and the committed offset never
passes an unfinished message. A full window stops the reading (back-pressure: the stream's
buffer fills and faust pauses fetching), so memory stays bounded under any backlog.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from collections.abc import AsyncIterable, Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import structlog

log = structlog.get_logger("lahir.window")

Handle = Callable[[Any], Awaitable[None]]  # never raises: failures are parked by the Runner
Ack = Callable[[Any], Awaitable[Any]]


@dataclass(eq=False)
class _Slot:
    event: Any
    done: bool = False
    abandoned: bool = False  # its partition was revoked: it left the window unacked
    task: asyncio.Task[None] | None = field(default=None, repr=False)


class InFlightWindow:
    """At most `limit` unacked events (running, or done behind an unfinished one of their
    partition). `submit` waits for a free slot, starts the event in its key's lane, returns."""

    def __init__(self, limit: int, ack: Ack, *, name: str = "") -> None:
        if limit < 1:
            raise ValueError("an in-flight window holds at least one event")
        self.limit, self.name = limit, name
        self._ack = ack
        self._slots = asyncio.Semaphore(limit)
        self._lanes: dict[Hashable, asyncio.Task[None]] = {}  # last task of each key
        self._pending: dict[Any, deque[_Slot]] = defaultdict(deque)  # per partition, by offset

    @property
    def in_flight(self) -> int:
        return sum(len(queue) for queue in self._pending.values())

    @property
    def lanes(self) -> int:
        return len(self._lanes)

    async def submit(self, event: Any, handle: Handle) -> None:
        await self._slots.acquire()
        slot = _Slot(event)
        self._pending[_partition(event)].append(slot)
        key = _lane(event)
        previous = self._lanes.get(key) if key is not None else None
        slot.task = asyncio.create_task(self._run(slot, key, handle, previous))
        if key is not None:
            self._lanes[key] = slot.task

    async def _run(self, slot: _Slot, key: Hashable | None, handle: Handle,
                   previous: asyncio.Task[None] | None) -> None:
        try:
            if previous is not None:
                await asyncio.wait([previous])  # same key: after the one before it, whatever it did
            await handle(slot.event)
        except asyncio.CancelledError:
            raise  # revoked or shutting down: never acked, delivered again
        except Exception:  # noqa: BLE001 - a handler broke its never-raise contract
            log.exception("window_event_failed", window=self.name)  # held: lag shows it
        else:
            slot.done = True
            await self._ack_finished_head(_partition(slot.event))
        finally:
            if key is not None and self._lanes.get(key) is slot.task:
                del self._lanes[key]  # the lane is idle: the dict does not grow forever

    async def _ack_finished_head(self, partition: Any) -> None:
        queue = self._pending.get(partition)
        while queue and queue[0].done:
            slot = queue.popleft()  # taken before awaiting: no slot is acked twice
            self._slots.release()  # the window counts unacked events, done or not
            await self._ack(slot.event)
        if queue is not None and not queue and self._pending.get(partition) is queue:
            del self._pending[partition]

    def revoke(self, partitions: Iterable[Any], *, cancel: bool = False) -> int:
        """A rebalance took these partitions: their unfinished events are never acked (the new
        owner gets them again from the committed offset; the inbox absorbs the repeat).
        `cancel` also stops their work (waiting retries); otherwise it finishes, unacked."""
        dropped = 0
        for partition in list(partitions):
            for slot in self._pending.pop(partition, ()):
                slot.abandoned = True
                self._slots.release()
                dropped += 1
                if cancel and slot.task is not None and not slot.done:
                    slot.task.cancel()
        if dropped:
            log.info("window_partitions_revoked", window=self.name, abandoned=dropped)
        return dropped

    async def drain(self) -> None:
        """Wait until every started event has finished (tests and shutdown)."""
        tasks = [slot.task for queue in self._pending.values() for slot in queue
                 if slot.task is not None]
        if tasks:
            await asyncio.wait(tasks)


def _partition(event: Any) -> Any:
    return event.message.tp


def _lane(event: Any) -> Hashable | None:
    key = event.key
    return key if key else None


async def run_windowed(events: AsyncIterable[Any], window: InFlightWindow, handle: Handle) -> None:
    """An agent body: every event of the (noack) stream goes through the window."""
    async for event in events:
        await window.submit(event, handle)

