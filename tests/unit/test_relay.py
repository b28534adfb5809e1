"""The relay's outbox claims, its SQLite wake-up and its logging, on a real SQLite file."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from structlog.testing import capture_logs

from pipeline.persistence.db import make_engine, session_factory
from pipeline.persistence.migrate import upgrade
from pipeline.persistence.outbox import SqliteOutbox
from pipeline.persistence.tables import OutboxMessage
from pipeline.streaming.marking import Marks
from pipeline.streaming.relay import OncePer, Summary
from pipeline.streaming.wakeups import SqliteWakeup

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def db_file(tmp_path: Path) -> str:
    path = tmp_path / "outbox.db"
    upgrade(f"sqlite:///{path}", seed=False)
    return str(path)


@pytest.fixture
def sessions(db_file: str) -> sessionmaker[Session]:
    return session_factory(make_engine(f"sqlite:///{db_file}"))


def outbox_at(db_file: str, now: datetime = NOW) -> SqliteOutbox:
    return SqliteOutbox(db_file, lambda: now)


def add_rows(sessions: sessionmaker[Session], n: int) -> list[int]:
    with sessions() as session:
        rows = [OutboxMessage(topic="births.reported.v1", key=f"reg_{i}", event="{}",
                              created_at=NOW) for i in range(n)]
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


def published_at(sessions: sessionmaker[Session]) -> dict[int, datetime | None]:
    """Read back through the models: what the relay wrote is an ordinary timestamp."""
    with sessions() as session:
        return dict(session.execute(select(OutboxMessage.id, OutboxMessage.published_at)).all())


async def test_a_row_below_an_already_published_id_is_still_claimed(
    sessions: sessionmaker[Session], db_file: str
) -> None:
    # ids are taken at insert and appear at commit: a smaller id may commit after a larger one
    # was published, so the relay claims by "not yet published", never "id above the last"
    outbox = outbox_at(db_file)
    first, second = add_rows(sessions, 2)
    await outbox.mark_published([second])
    assert [row.id for row in await outbox.claim(500)] == [first]
    await outbox.close()


async def test_claim_takes_at_most_a_batch_oldest_first_and_marking_removes_them(
    sessions: sessionmaker[Session], db_file: str
) -> None:
    outbox = outbox_at(db_file)
    ids = add_rows(sessions, 5)
    batch = await outbox.claim(3)
    assert [row.id for row in batch] == ids[:3]
    await outbox.mark_published([row.id for row in batch])
    assert published_at(sessions) == {**dict.fromkeys(ids[:3], NOW), **dict.fromkeys(ids[3:])}
    await outbox.close()


async def test_rows_sent_and_not_yet_marked_are_read_past(
    sessions: sessionmaker[Session], db_file: str
) -> None:
    outbox = outbox_at(db_file)
    first, second, third = add_rows(sessions, 3)
    assert [row.id for row in await outbox.claim(2, {first})] == [second, third]
    await outbox.close()


async def test_claiming_on_sqlite_leaves_the_write_lock_to_the_writers(
    sessions: sessionmaker[Session], db_file: str
) -> None:
    outbox = outbox_at(db_file)
    add_rows(sessions, 1)
    writer = sqlite3.connect(db_file, timeout=0, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a writer holds the lock: the claim reads anyway
        assert len(await outbox.claim(500)) == 1
        writer.execute("COMMIT")
    finally:
        writer.close()
        await outbox.close()


async def test_prune_deletes_only_rows_published_longer_ago_than_kept(
    sessions: sessionmaker[Session], db_file: str
) -> None:
    old, recent, pending = add_rows(sessions, 3)
    then, now = outbox_at(db_file, NOW - timedelta(days=2)), outbox_at(db_file)
    await then.mark_published([old])
    await now.mark_published([recent])
    await now.prune(keep=timedelta(days=1))
    assert published_at(sessions) == {recent: NOW, pending: None}
    await then.close()
    await now.close()


class FlakyOutbox:
    def __init__(self) -> None:
        self.marked: list[list[int]] = []
        self.failures = 1

    async def mark_published(self, ids: list[int]) -> None:
        if self.failures:
            self.failures -= 1
            raise OSError("database away")
        self.marked.append(list(ids))


async def test_a_failed_mark_is_retried_and_its_rows_stay_out_of_later_batches() -> None:
    outbox, counted = FlakyOutbox(), []
    marks = Marks(outbox, counted.append)  # type: ignore[arg-type]
    marks.sending([1, 2, 3])
    marks.delivered([1, 2])
    marks.undelivered([3])
    assert marks.unmarked == {1, 2}
    assert await marks.drain(timeout=30)
    assert (outbox.marked, counted, marks.unmarked) == ([[1, 2]], [2], set())


async def test_the_sqlite_wakeup_returns_when_another_connection_commits(db_file: str) -> None:
    wakeup = SqliteWakeup(f"sqlite:///{db_file}", threading.Event(), busy_poll_s=0.005,
                          busy_window_s=0.1, idle_poll_s=0.05)
    await wakeup.open()
    try:
        await wakeup.wait(0)  # the first look counts as a change: the relay claims once at start
        other = sqlite3.connect(db_file)
        other.execute("INSERT INTO outbox (topic, key, event, created_at)"
                      " VALUES ('t', 'k', '{}', '2026-11-23 02:00:00.000000')")
        other.commit()
        other.close()
        await asyncio.wait_for(wakeup.wait(3600), timeout=30)  # returns: no hour-long wait
    finally:
        await wakeup.close()


def test_many_batches_make_one_summary_line_without_personal_data() -> None:
    summary = Summary()
    with capture_logs() as lines:
        for _ in range(3):
            summary.add(500)
            summary.maybe_log()  # within the second: nothing yet
        summary.maybe_log(force=True)
    assert [(line["event"], line["count"], line["batches"]) for line in lines] == [
        ("outbox_relayed", 1500, 3)]
    assert set(lines[0]) == {"event", "log_level", "count", "batches", "seconds"}


def test_aiokafka_reconnect_lines_pass_once_per_period() -> None:
    once = OncePer(seconds=60)

    def record(msg: str) -> logging.LogRecord:
        return logging.LogRecord("aiokafka", logging.ERROR, __file__, 1, msg, (1, "refused"),
                                 None)

    passed = [once.filter(record("Unable connect to node with id %s: %s")) for _ in range(20)]
    assert passed == [True] + [False] * 19
    assert once.filter(record("Unable to update metadata from %s"))  # another kind of line
