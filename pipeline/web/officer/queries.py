"""What an officer may see: documents of their Dinas only, filtered for the work queue."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from pipeline.persistence.tables import Document, Registration, Task
from pipeline.web.officer.security import PageError, SignedIn

KINDS = ("KK", "AKTA_KELAHIRAN", "KIA", "SK_LAHIR_MATI")
QUEUE_LIMIT = 500
Row = tuple[Document, Registration]


@dataclass(frozen=True)
class QueueFilter:
    kind: str = ""
    state: str = "AWAITING_APPROVAL"
    older_than_hours: float | None = None
    facility: str = ""
    waiting_for_name: bool = False

    def query_string(self) -> str:
        values = {k: ("1" if v is True else v) for k, v in asdict(self).items()
                  if v not in ("", None, False)}
        return urlencode(values)


def jurisdiction(who: SignedIn) -> Select[tuple[Document, Registration]]:
    """Every query starts here: the officer's Dinas owns the family's KK (contract.md 3)."""
    return (select(Document, Registration).join(Registration)
            .where(Registration.dinas_code == who.dinas_code))


def queue(session: Session, who: SignedIn, f: QueueFilter, now: datetime) -> list[Row]:
    stmt = jurisdiction(who)
    if f.kind:
        stmt = stmt.where(Document.kind == f.kind)
    if f.state:
        stmt = stmt.where(Document.state == f.state)
    if f.older_than_hours is not None:
        stmt = stmt.where(Document.created_at <= now - timedelta(hours=f.older_than_hours))
    if f.facility:
        stmt = stmt.where(Registration.facility_code == f.facility)
    if f.waiting_for_name:
        waiting = select(Task.registration_id).where(Task.state == "WAITING_FOR_NAME")
        stmt = stmt.where(Registration.id.in_(waiting))
    stmt = stmt.order_by(Document.created_at, Document.id).limit(QUEUE_LIMIT)
    return [(d, r) for d, r in session.execute(stmt).tuples()]


def counts(session: Session, who: SignedIn) -> Counter[tuple[str, str]]:
    stmt = (select(Document.kind, Document.state, func.count()).join(Registration)
            .where(Registration.dinas_code == who.dinas_code)
            .group_by(Document.kind, Document.state))
    return Counter({(k, s): n for k, s, n in session.execute(stmt).tuples()})


def facilities(session: Session, who: SignedIn) -> list[str]:
    stmt = (select(Registration.facility_code).where(Registration.dinas_code == who.dinas_code)
            .distinct().order_by(Registration.facility_code))
    return list(session.scalars(stmt))


def one(session: Session, who: SignedIn, document_id: str) -> Row:
    found = session.execute(jurisdiction(who).where(Document.id == document_id)).tuples().first()
    if found is None:  # another Dinas' document is not found, not forbidden
        raise PageError(404, "Dokumen tidak ditemukan / document not found")
    return found[0], found[1]


def several(session: Session, who: SignedIn, document_ids: list[str]) -> list[Row]:
    wanted = list(dict.fromkeys(document_ids))
    rows = session.execute(jurisdiction(who).where(Document.id.in_(wanted))).tuples().all()
    if len(rows) != len(wanted) or not wanted:
        raise PageError(404, "Dokumen tidak ditemukan / a document was not found")
    by_id = {d.id: (d, r) for d, r in rows}
    return [by_id[i] for i in wanted]


def siblings(session: Session, registration: Registration) -> list[Document]:
    return list(session.scalars(select(Document).where(
        Document.registration_id == registration.id).order_by(Document.kind)))


def tasks_of(session: Session, registration: Registration) -> dict[str, str]:
    rows = session.scalars(select(Task).where(Task.registration_id == registration.id))
    return {t.kind: t.state for t in rows}
