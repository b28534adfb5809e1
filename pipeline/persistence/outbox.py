"""The relay's side of the outbox table: claim unpublished rows, mark, lease, prune.

Every statement is a short transaction of its own; none is open while Kafka is awaited. Never a
high-water mark (`WHERE id > :last`): ids are taken at insert and rows appear at commit, in any
order. Plain SQL on the drivers: this is the relay's hot path, and a claim through a SQLAlchemy
session costs about six times the CPU of the same statement on an autocommit psycopg connection.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Sequence, Set
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol, cast

import psycopg
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import make_url

from pipeline.domain.clock import Clock
from pipeline.persistence.tables import OutboxMessage


class Claimed(NamedTuple):
    id: int
    topic: str  # the base name; the relay adds the namespace
    key: str
    event: str


class OutboxStore(Protocol):
    async def claim(self, limit: int, sent: Set[int] = frozenset()) -> list[Claimed]:
        """Up to limit unpublished rows, oldest first, none of `sent` (sent, not yet marked)."""

    async def mark_published(self, ids: Sequence[int]) -> None: ...

    async def renew(self, ids: Sequence[int]) -> None:
        """Rows still being sent (Kafka slow or away): keep other relays off them."""

    async def release(self, ids: Sequence[int]) -> None:
        """Rows not delivered: claimable again at once, by any relay."""

    async def prune(self, keep: timedelta) -> None: ...

    async def close(self) -> None: ...


def outbox_store(database_url: str, clock: Clock,
                 lease: timedelta = timedelta(seconds=60)) -> OutboxStore:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ValueError("the relay needs a database file or server, not in-memory SQLite")
        return SqliteOutbox(url.database, clock)
    return PgOutbox(url.set(drivername="postgresql").render_as_string(hide_password=False),
                    clock, lease)


class PgOutbox:
    """Relays lease rows (`claimed_until`), so several can share the outbox: SKIP LOCKED keeps
    simultaneous claims apart, the lease keeps them apart after the claim commits."""

    CLAIM = """UPDATE outbox SET claimed_until = %(until)s WHERE id IN (
                   SELECT id FROM outbox WHERE published_at IS NULL
                   AND (claimed_until IS NULL OR claimed_until < %(now)s)
                   ORDER BY id LIMIT %(limit)s FOR UPDATE SKIP LOCKED)
               RETURNING id, topic, key, event"""
    MARK = ("UPDATE outbox SET published_at = %(now)s"
            " WHERE id = ANY(%(ids)s) AND published_at IS NULL")
    LEASE = ("UPDATE outbox SET claimed_until = %(until)s"
             " WHERE id = ANY(%(ids)s) AND published_at IS NULL")
    PRUNE = "DELETE FROM outbox WHERE published_at < %(before)s"

    def __init__(self, conninfo: str, clock: Clock, lease: timedelta) -> None:
        self._conninfo, self._clock, self.lease = conninfo, clock, lease
        self._conn: psycopg.AsyncConnection[tuple[Any, ...]] | None = None
        self._connecting = asyncio.Lock()

    async def claim(self, limit: int,
                    sent: Set[int] = frozenset()) -> list[Claimed]:  # noqa: ARG002 (leased)
        now = self._clock()
        rows = await self._execute(self.CLAIM, {"until": now + self.lease, "now": now,
                                                "limit": limit})
        return sorted(Claimed(*row) for row in rows)  # RETURNING keeps no order

    async def mark_published(self, ids: Sequence[int]) -> None:
        if ids:
            await self._execute(self.MARK, {"now": self._clock(), "ids": list(ids)})

    async def renew(self, ids: Sequence[int]) -> None:
        if ids:
            await self._execute(self.LEASE, {"until": self._clock() + self.lease,
                                             "ids": list(ids)})

    async def release(self, ids: Sequence[int]) -> None:
        if ids:
            await self._execute(self.LEASE, {"until": None, "ids": list(ids)})

    async def prune(self, keep: timedelta) -> None:
        await self._execute(self.PRUNE, {"before": self._clock() - keep})

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    async def _execute(self, query: Any, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        async with self._connecting:  # the marks and the claims share the connection
            if self._conn is None:  # autocommit: each statement commits on its own
                self._conn = await psycopg.AsyncConnection.connect(self._conninfo,
                                                                   autocommit=True)
            conn = self._conn
        try:
            cursor = await conn.execute(query, params)
            return await cursor.fetchall() if cursor.description else []
        except psycopg.OperationalError:
            await self.close()  # a new connection next time
            raise


class SqliteOutbox:
    """One relay per file, so reading is claiming, and nothing is leased. The read runs on a
    connection of its own outside any transaction: in WAL mode it takes no lock, where a
    session's BEGIN IMMEDIATE would queue behind every writer. Writes wait for the lock in a
    worker thread, never in the event loop."""

    READ = ("SELECT id, topic, key, event FROM outbox WHERE published_at IS NULL"
            " ORDER BY id LIMIT ?")
    CHUNK = 500  # ids per statement, well under SQLite's variable limit

    def __init__(self, path: str, clock: Clock) -> None:
        self._path, self._clock = path, clock
        self._reader: sqlite3.Connection | None = None
        self._writer: sqlite3.Connection | None = None
        self._writing = threading.Lock()

    async def claim(self, limit: int, sent: Set[int] = frozenset()) -> list[Claimed]:
        if self._reader is None:
            self._reader = sqlite3.connect(self._path, timeout=30, check_same_thread=False)
        rows = self._reader.execute(self.READ, (limit + len(sent),)).fetchall()
        return [Claimed(*row) for row in rows if row[0] not in sent][:limit]

    async def mark_published(self, ids: Sequence[int]) -> None:
        now = TIMESTAMP(self._clock())
        chunks = [list(ids[i:i + self.CHUNK]) for i in range(0, len(ids), self.CHUNK)]
        await asyncio.to_thread(self._write, [
            ("UPDATE outbox SET published_at = ? WHERE published_at IS NULL"
             f" AND id IN ({','.join('?' * len(chunk))})", [now, *chunk]) for chunk in chunks])

    async def renew(self, ids: Sequence[int]) -> None:
        """Nothing to do: no lease on SQLite."""

    async def release(self, ids: Sequence[int]) -> None:
        """Nothing to do: no lease on SQLite."""

    async def prune(self, keep: timedelta) -> None:
        before = TIMESTAMP(self._clock() - keep)
        await asyncio.to_thread(self._write, [("DELETE FROM outbox WHERE published_at < ?",
                                               [before])])

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        with self._writing:
            if self._writer is not None:
                self._writer.close()
                self._writer = None

    def _write(self, statements: list[tuple[str, list[Any]]]) -> None:
        if not statements:
            return
        with self._writing:
            if self._writer is None:
                self._writer = sqlite3.connect(self._path, timeout=30, isolation_level=None,
                                               check_same_thread=False)
            writer = self._writer
            writer.execute("BEGIN IMMEDIATE")  # waits (busy timeout) for the writers before us
            try:
                for sql, params in statements:
                    writer.execute(sql, params)
                writer.execute("COMMIT")
            finally:
                if writer.in_transaction:
                    writer.execute("ROLLBACK")


def _sqlite_timestamp() -> Callable[[datetime], str]:
    """SQLAlchemy's own text for these columns (UTC, `YYYY-MM-DD HH:MM:SS.ffffff`), so what the
    relay writes compares and reads back like every other timestamp."""
    dialect = sqlite.dialect()
    column = OutboxMessage.__table__.c.published_at
    to_text = column.type.dialect_impl(dialect).bind_processor(dialect)
    return cast(Callable[[datetime], str], to_text)


TIMESTAMP = _sqlite_timestamp()
