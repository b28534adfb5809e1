"""Unit of work: one transaction holding state, the inbox marker and outbox rows together."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any
from uuid import UUID

from sqlalchemy import Insert, Select, Table, bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite
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
_DOCUMENT_STATES = select(Document.state).where(Document.registration_id == bindparam("id"))
_TIMELINE, _OUTBOX, _INBOX = (Base.metadata.tables[entity.__tablename__]
                               for entity in (TimelineEntry, OutboxMessage, ProcessedMessage))
_MARK = {
    name: dialect.insert(_INBOX).on_conflict_do_nothing().returning(_INBOX.c.event_id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


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

    # inbox -------------------------------------------------------------------------------
    def mark_processed(self, consumer: str, event_id: UUID | str) -> bool:
        """False when this consumer already processed the event (a redelivery)."""
        stmt = _MARK[self.session.get_bind().dialect.name]
        row = {"consumer": consumer, "event_id": str(event_id), "processed_at": self.now()}
        return self.session.execute(stmt, row).first() is not None

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
        """The states of a registration's documents, without their content."""
        return list(self.session.scalars(_DOCUMENT_STATES, {"id": registration_id}))

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
