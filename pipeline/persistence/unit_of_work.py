"""Unit of work: one transaction holding state, the inbox marker and outbox rows together."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from pipeline.domain.clock import Clock
from pipeline.persistence.db import READ_ONLY
from pipeline.persistence.tables import (
    Document,
    OutboxMessage,
    ProcessedMessage,
    Registration,
    Task,
    TimelineEntry,
)
from schemas.envelope import Envelope


class UnitOfWork:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self.clock = clock
        self._read_only = False
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._sessions()
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
        self.session.rollback()  # after a commit this is a no-op
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def now(self) -> datetime:
        return self.clock()

    # inbox -------------------------------------------------------------------------------
    def mark_processed(self, consumer: str, event_id: UUID | str) -> bool:
        """False when this consumer already processed the event (a redelivery)."""
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = (
            insert(ProcessedMessage)
            .values(consumer=consumer, event_id=str(event_id), processed_at=self.now())
            .on_conflict_do_nothing()
            .returning(ProcessedMessage.event_id)
        )
        return self.session.scalar(stmt) is not None

    # outbox ------------------------------------------------------------------------------
    def publish(self, topic: str, key: str, envelope: Envelope[Any]) -> None:
        self.session.add(OutboxMessage(topic=topic, key=key, event=envelope.model_dump_json(),
                                       created_at=self.now()))

    # state -------------------------------------------------------------------------------
    def registration(self, registration_id: str, *, lock: bool = False) -> Registration | None:
        stmt = select(Registration).where(Registration.id == registration_id)
        if lock:
            stmt = stmt.with_for_update()
        return self.session.scalar(stmt)

    def tasks(self, registration_id: str) -> dict[str, Task]:
        rows = self.session.scalars(select(Task).where(Task.registration_id == registration_id))
        return {t.kind: t for t in rows}

    def documents(self, registration_id: str) -> list[Document]:
        return list(self.session.scalars(
            select(Document).where(Document.registration_id == registration_id)))

    def record(self, registration_id: str, event: str, **detail: Any) -> None:
        self.session.add(TimelineEntry(registration_id=registration_id, at=self.now(),
                                       event=event, detail=detail))

    def timeline(self, registration_id: str) -> list[TimelineEntry]:
        return list(self.session.scalars(
            select(TimelineEntry).where(TimelineEntry.registration_id == registration_id)
            .order_by(TimelineEntry.id)))


UowFactory = Callable[[], UnitOfWork]
