"""Unit of work: one transaction holding state, the inbox marker and outbox rows together."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any
from uuid import UUID

from sqlalchemy import Insert, Select, Table, bindparam, insert, select, text
from sqlalchemy.orm import Session, defer, sessionmaker

from pipeline.domain.clock import Clock
from pipeline.persistence.db import READ_ONLY
from pipeline.persistence.tables import (
    Base,
    Document,
    OutboxMessage,
    ProcessedMessage,
    Registration,
    Task,
    TimelineEntry,
)
from schemas.envelope import Envelope

# Statements built once: SQLAlchemy caches their compiled form, so the hot path (a few of these
# per Kafka message) neither rebuilds nor recompiles them (py-spy: 7% of the worker's CPU before).
_REGISTRATION = select(Registration).where(Registration.id == bindparam("id"))
_REGISTRATION_LOCKED = _REGISTRATION.with_for_update()
_REGISTRATION_LEAN = _REGISTRATION_LOCKED.options(defer(Registration.report))
_TASKS = select(Task).where(Task.registration_id == bindparam("id"))
_DOCUMENT_STATES = select(Document.id, Document.state).where(
    Document.registration_id == bindparam("id"))
_TIMELINE, _OUTBOX, _INBOX = (Base.metadata.tables[entity.__tablename__]
                               for entity in (TimelineEntry, OutboxMessage, ProcessedMessage))
# one spelling for both backends (SQLite >= 3.35 has RETURNING); as text because SQLAlchemy 2.0's
# dialect inserts with ON CONFLICT carry no cache key and were compiled anew for every message
_MARK = text(
    f"INSERT INTO {_INBOX.name} (consumer, event_id, processed_at) "
    "VALUES (:consumer, :event_id, :processed_at) ON CONFLICT DO NOTHING RETURNING event_id"
).bindparams(bindparam("processed_at", type_=_INBOX.c.processed_at.type))


class UnitOfWork:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self.clock = clock
        self._read_only = False
        self.session: Session
        # timeline and outbox rows: plain inserts, sent as one executemany each at commit
        self._pending: dict[Table, list[dict[str, Any]]] = {}

    def __enter__(self) -> UnitOfWork:
        self.session = self._sessions()
        self._pending = {}
        if self._read_only:
            self.session.connection(execution_options={READ_ONLY: True})
        return self

    def read_only(self) -> UnitOfWork:
        """`with uow.read_only():` for reads only: on SQLite no write lock is taken, so readers
        never queue behind writers (WAL)."""
        self._read_only = True
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._pending = {}
        self.session.rollback()  # after a commit this is a no-op
        self.session.close()

    def commit(self) -> None:
        self.flush()
        self.session.commit()

    def flush(self) -> None:
        """ORM changes first (a new registration before its timeline rows), then the plain
        inserts, in the order they were made."""
        self.session.flush()
        pending, self._pending = self._pending, {}
        for table, rows in pending.items():
            self.session.execute(_insert(table), rows)

    def now(self) -> datetime:
        return self.clock()

    def add(self, entity: type[Base], row: dict[str, Any]) -> None:
        """A new row as a plain insert at the next flush, for a row this unit of work does not
        change again. Pending inserts go out in the order their tables were first used: add the
        row before `record` or `publish` name it."""
        self._pending.setdefault(Base.metadata.tables[entity.__tablename__], []).append(row)

    # inbox -------------------------------------------------------------------------------
    def mark_processed(self, consumer: str, event_id: UUID | str) -> bool:
        """False when this consumer already processed the event (a redelivery)."""
        row = {"consumer": consumer, "event_id": str(event_id), "processed_at": self.now()}
        return self.session.execute(_MARK, row).first() is not None

    # outbox ------------------------------------------------------------------------------
    def publish(self, topic: str, key: str, envelope: Envelope[Any]) -> None:
        self._pending.setdefault(_OUTBOX, []).append(
            {"topic": topic, "key": key, "event": envelope.model_dump_json(),
             "created_at": self.now(), "published_at": None, "claimed_until": None})

    # state -------------------------------------------------------------------------------
    def registration(self, registration_id: str, *, lock: bool = False,
                     with_report: bool = True) -> Registration | None:
        """`with_report=False` (locked only) leaves the stored report unread: the task writes
        never need it, and reading it after the session closed raises rather than guesses."""
        stmt: Select[tuple[Registration]] = (
            _REGISTRATION if not lock else
            _REGISTRATION_LOCKED if with_report else _REGISTRATION_LEAN)
        return self.session.scalar(stmt, {"id": registration_id})

    def tasks(self, registration_id: str) -> dict[str, Task]:
        rows = self.session.scalars(_TASKS, {"id": registration_id})
        return {t.kind: t for t in rows}

    def document_states(self, registration_id: str) -> list[str]:
        """The states of a registration's documents, without their content and without a
        flush: the stored rows, overridden by the documents this session holds (new or changed),
        so a caller need not flush its changes first to see them."""
        with self.session.no_autoflush:
            rows = self.session.execute(_DOCUMENT_STATES, {"id": registration_id})
            states = dict(rows.tuples().all())  # not dict(rows): a Result has keys()
        for held in (*self.session.identity_map.values(), *self.session.new):
            if isinstance(held, Document) and held.registration_id == registration_id:
                states[held.id] = held.state
        return list(states.values())

    def documents(self, registration_id: str) -> list[Document]:
        return list(self.session.scalars(
            select(Document).where(Document.registration_id == registration_id)))

    def record(self, registration_id: str, event: str, **detail: Any) -> None:
        self._pending.setdefault(_TIMELINE, []).append(
            {"registration_id": registration_id, "at": self.now(), "event": event,
             "detail": detail})

    def timeline(self, registration_id: str) -> list[TimelineEntry]:
        self.flush()
        return list(self.session.scalars(
            select(TimelineEntry).where(TimelineEntry.registration_id == registration_id)
            .order_by(TimelineEntry.id)))


UowFactory = Callable[[], UnitOfWork]


_INSERTS: dict[Table, Insert] = {}


def _insert(table: Table) -> Insert:
    return _INSERTS.setdefault(table, insert(table))
