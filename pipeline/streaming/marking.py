"""Marking delivered outbox rows published, off the relay's path to Kafka."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

import structlog

from pipeline.persistence.outbox import OutboxStore

log = structlog.get_logger("lahir.relay")


class Marks:
    """Delivered rows are marked in a task of their own, one transaction at a time, coalescing
    what was delivered meanwhile; the next batch never waits for SQLite's write lock or a commit.

    `unmarked` holds the ids sent and not yet marked: the SQLite relay reads past them (on
    PostgreSQL their lease keeps them apart). A crash before the mark republishes them, which
    is the at-least-once the consumers' inboxes absorb.
    """

    def __init__(self, outbox: OutboxStore, marked: Callable[[int], None]) -> None:
        self._outbox, self._marked = outbox, marked
        self.unmarked: set[int] = set()
        self._due: list[int] = []
        self._task: asyncio.Task[None] | None = None

    def sending(self, ids: Sequence[int]) -> None:
        self.unmarked.update(ids)

    def undelivered(self, ids: Sequence[int]) -> None:
        self.unmarked.difference_update(ids)  # read and sent again

    def delivered(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        self._due.extend(ids)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._mark_due())

    async def drain(self, timeout: float) -> bool:
        """Wait until every delivered row is marked; False when timeout came first."""
        if self._task is not None:
            await asyncio.wait([self._task], timeout=timeout)
        return not self._due and (self._task is None or self._task.done())

    async def close(self, timeout: float = 10.0) -> None:
        if not await self.drain(timeout) and self._task is not None:
            self._task.cancel()  # the database is away: those rows are republished later
            log.warning("outbox_marks_abandoned", rows=len(self._due))

    async def _mark_due(self) -> None:
        failures = 0
        while self._due:
            ids, self._due = self._due, []
            try:
                await self._outbox.mark_published(ids)
            except Exception as error:  # the database away: keep them, try again
                self._due[:0] = ids
                failures += 1
                log.warning("outbox_mark_failed", rows=len(ids), error=f"{error!r}"[:500])
                await asyncio.sleep(min(5.0, 0.2 * 2**failures))
                continue
            failures = 0
            self.unmarked.difference_update(ids)
            self._marked(len(ids))
