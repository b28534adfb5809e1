"""What wakes the outbox relay: PostgreSQL LISTEN/NOTIFY, or a cheap change poll on SQLite."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from typing import Protocol

import psycopg
from psycopg.rows import TupleRow
from sqlalchemy.engine import make_url

CHANNEL = "lahir_outbox"  # NOTIFYed at commit by the outbox trigger (migration 0005)
STOP_CHECK_S = 1.0  # how often a wait looks whether the relay was asked to stop


class Wakeup(Protocol):
    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def wait(self, timeout: float) -> None:
        """Until rows may have been committed, stop was asked, or timeout seconds passed."""


def wakeup_for(database_url: str, stop: threading.Event, *, busy_poll_s: float = 0.005,
               busy_window_s: float = 2.0, idle_poll_s: float = 0.1) -> Wakeup:
    if database_url.startswith("sqlite"):
        return SqliteWakeup(database_url, stop, busy_poll_s, busy_window_s, idle_poll_s)
    return PgWakeup(database_url, stop)


class SqliteWakeup:
    """`PRAGMA data_version` changes when another connection commits: a few microseconds to
    read, so poll it every few ms while the file is busy and every idle_poll_s when it is not."""

    def __init__(self, database_url: str, stop: threading.Event, busy_poll_s: float,
                 busy_window_s: float, idle_poll_s: float) -> None:
        self._path = make_url(database_url).database
        self._stop, self._busy_poll, self._idle_poll = stop, busy_poll_s, idle_poll_s
        self._busy_window, self._busy_until = busy_window_s, 0.0
        self._db: sqlite3.Connection | None = None
        self._version = -1

    async def open(self) -> None:
        if self._db is None and self._path:
            self._db = sqlite3.connect(self._path, timeout=30, check_same_thread=False)

    async def close(self) -> None:
        if self._db is not None:
            db, self._db = self._db, None
            db.close()

    async def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self._stop.is_set() and not self._changed():
            now = time.monotonic()
            if now >= deadline:
                return
            poll = self._busy_poll if now < self._busy_until else self._idle_poll
            await asyncio.sleep(min(poll, deadline - now))

    def _changed(self) -> bool:
        if self._db is None:
            return True  # not open: look anyway
        version = int(self._db.execute("PRAGMA data_version").fetchone()[0])
        changed, self._version = version != self._version, version
        if changed:
            self._busy_until = time.monotonic() + self._busy_window
        return changed


class PgWakeup:
    """LISTEN on a dedicated autocommit connection (never inside a transaction)."""

    def __init__(self, database_url: str, stop: threading.Event) -> None:
        url = make_url(database_url).set(drivername="postgresql")  # psycopg's own URI
        self._conninfo = url.render_as_string(hide_password=False)
        self._stop = stop
        self._conn: psycopg.AsyncConnection[TupleRow] | None = None

    async def open(self) -> None:
        if self._conn is None:  # LISTEN before the first claim: no commit goes unnoticed
            self._conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
            await self._conn.execute(f"LISTEN {CHANNEL}")

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    async def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        try:
            while not self._stop.is_set() and (left := deadline - time.monotonic()) > 0:
                if await self._notified(min(left, STOP_CHECK_S)):
                    await self._notified(0)  # drain: one claim serves every waiting NOTIFY
                    return
        except psycopg.Error:
            await self.close()  # reopened by the next open()
            raise

    async def _notified(self, timeout: float) -> bool:
        """Whether a NOTIFY came within timeout (0: only those already received)."""
        assert self._conn is not None, "open() first"
        received = False
        # the generator holds the connection's lock: let it end by itself, never break out
        async for _ in self._conn.notifies(timeout=timeout, stop_after=1 if timeout else None):
            received = True
        return received
