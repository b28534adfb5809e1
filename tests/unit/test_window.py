"""The in-flight window: order per key, acks in offset order per partition, back-pressure."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from pipeline.streaming.window import InFlightWindow


@dataclass(frozen=True)
class Message:
    tp: str
    offset: int


@dataclass(frozen=True)
class Event:
    key: bytes | None
    message: Message


def events(partition: str, keys: list[bytes | None]) -> list[Event]:
    return [Event(key, Message(partition, offset)) for offset, key in enumerate(keys)]


class Acks:
    """Records acks and checks, at each ack, that every earlier offset of the partition is done."""

    def __init__(self) -> None:
        self.acked: list[tuple[str, int]] = []
        self.done: set[tuple[str, int]] = set()
        self.violations: list[tuple[str, int]] = []

    async def __call__(self, event: Event) -> None:
        tp, offset = event.message.tp, event.message.offset
        if any((tp, earlier) not in self.done for earlier in range(offset + 1)):
            self.violations.append((tp, offset))  # a commit here would pass an unfinished one
        self.acked.append((tp, offset))


class NaiveWindow:
    """What faust's concurrency>1 amounts to: ack each event as soon as it is done."""

    def __init__(self, limit: int, ack: Callable[[Any], Awaitable[Any]]) -> None:
        self._ack, self._tasks = ack, set[asyncio.Task[None]]()

    async def submit(self, event: Any, handle: Callable[[Any], Awaitable[None]]) -> None:
        async def run() -> None:
            await handle(event)
            await self._ack(event)
        task = asyncio.create_task(run())
        self._tasks.add(task)

    async def drain(self) -> None:
        await asyncio.wait(self._tasks)


def slow_first(acks: Acks, release: asyncio.Event) -> Callable[[Event], Awaitable[None]]:
    async def handle(event: Event) -> None:
        if event.message.offset == 0:
            await release.wait()  # e.g. BPJS answering in 300 ms while the others take 1 ms
        acks.done.add((event.message.tp, event.message.offset))
    return handle


async def run_slow_first(window_type: type[Any]) -> Acks:
    acks, release = Acks(), asyncio.Event()
    window = window_type(8, acks)
    for event in events("births-0", [b"a", b"b", b"c", b"d"]):
        await window.submit(event, slow_first(acks, release))
    await asyncio.sleep(0.01)  # the fast ones finish while the first is still in flight
    release.set()
    await window.drain()
    await asyncio.sleep(0)
    return acks


async def test_a_slow_first_event_holds_the_acks_of_the_fast_ones_behind_it() -> None:
    acks = await run_slow_first(InFlightWindow)
    assert acks.violations == []
    assert acks.acked == [("births-0", n) for n in range(4)]


async def test_the_check_catches_a_window_that_acks_past_an_unfinished_event() -> None:
    acks = await run_slow_first(NaiveWindow)
    assert acks.violations, "acking on completion passes the slow first event"


async def test_nothing_is_acked_while_the_head_of_the_partition_is_unfinished() -> None:
    acks, release = Acks(), asyncio.Event()
    window = InFlightWindow(8, acks)
    for event in events("births-0", [b"a", b"b", b"c"]):
        await window.submit(event, slow_first(acks, release))
    await asyncio.sleep(0.01)
    assert acks.acked == []
    assert window.in_flight == 3
    release.set()
    await window.drain()
    await asyncio.sleep(0)
    assert window.in_flight == 0


async def test_events_of_one_key_run_one_after_another_in_order() -> None:
    running: set[bytes] = set()
    seen: list[int] = []
    overlaps: list[int] = []

    async def handle(event: Event) -> None:
        assert event.key is not None
        if event.key in running:
            overlaps.append(event.message.offset)
        running.add(event.key)
        await asyncio.sleep(0.005 if event.message.offset == 0 else 0)
        seen.append(event.message.offset)
        running.discard(event.key)

    window = InFlightWindow(16, Acks())
    for event in events("tasks.kk-3", [b"kk-1", b"kk-1", b"kk-1"]):
        await window.submit(event, handle)
    await window.drain()
    assert overlaps == []
    assert seen == [0, 1, 2]


async def test_other_keys_run_side_by_side() -> None:
    active, peak = 0, 0

    async def handle(_event: Event) -> None:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.01)
        active -= 1

    window = InFlightWindow(16, Acks())
    for event in events("tasks.bpjs-0", [f"reg-{n}".encode() for n in range(10)]):
        await window.submit(event, handle)
    await window.drain()
    assert peak == 10


async def test_a_full_window_stops_the_reading_until_the_head_is_acked() -> None:
    acks, release = Acks(), asyncio.Event()
    window = InFlightWindow(2, acks)
    first, second, third = events("births-1", [b"a", b"b", b"c"])
    await window.submit(first, slow_first(acks, release))
    await window.submit(second, slow_first(acks, release))
    blocked = asyncio.create_task(window.submit(third, slow_first(acks, release)))
    await asyncio.sleep(0.01)
    assert not blocked.done(), "the second is done but unacked behind the first: no room"
    release.set()
    await asyncio.wait_for(blocked, 1)
    await window.drain()


async def test_a_revoked_partition_is_never_acked_and_frees_its_room() -> None:
    acks, release = Acks(), asyncio.Event()
    window = InFlightWindow(2, acks)
    for event in events("births-2", [b"a", b"b"]):
        await window.submit(event, slow_first(acks, release))
    await asyncio.sleep(0.01)
    assert window.revoke(["births-2"]) == 2
    release.set()
    await asyncio.sleep(0.01)
    assert acks.acked == []
    await asyncio.wait_for(window.submit(events("births-3", [b"c"])[0],
                                         slow_first(acks, release)), 1)


async def test_a_revoked_wait_can_be_cancelled() -> None:
    started = asyncio.Event()

    async def wait_forever(_event: Event) -> None:
        started.set()
        await asyncio.sleep(3600)  # a retry due in an hour

    window = InFlightWindow(4, Acks())
    await window.submit(events("retry-0", [b"a"])[0], wait_forever)
    await started.wait()
    window.revoke(["retry-0"], cancel=True)
    await asyncio.sleep(0)
    assert window.in_flight == 0
    assert window.lanes == 0


async def test_idle_lanes_are_forgotten() -> None:
    window = InFlightWindow(8, Acks())

    async def handle(_event: Event) -> None:
        await asyncio.sleep(0)

    for event in events("births-4", [b"a", b"b", None, b"a"]):
        await window.submit(event, handle)
    await window.drain()
    await asyncio.sleep(0)
    assert window.lanes == 0


def test_a_window_holds_at_least_one_event() -> None:
    with pytest.raises(ValueError, match="at least one"):
        InFlightWindow(0, Acks())
