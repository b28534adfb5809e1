"""The audit log is a hash chain: editing or deleting an entry shows in verify_chain."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from pipeline.persistence import audit
from pipeline.persistence.db import make_engine
from pipeline.persistence.migrate import upgrade
from pipeline.persistence.tables import AuditEntry


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    url = f"sqlite:///{tmp_path / 'audit.db'}"
    upgrade(url, seed=False)
    engine = make_engine(url)
    with Session(engine) as s:
        yield s
    engine.dispose()


def five_entries(session: Session) -> list[AuditEntry]:
    entries = [audit.append(session, "official.serang", "document.viewed", f"doc_{i}", page=i)
               for i in range(5)]
    session.commit()
    return entries


def test_an_untouched_chain_verifies(session: Session) -> None:
    entries = five_entries(session)
    assert audit.verify_chain(session) == []
    assert entries[0].prev_hash == audit.GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]


def test_editing_an_entrys_detail_breaks_its_hash(session: Session) -> None:
    entries = five_entries(session)
    session.execute(update(AuditEntry).where(AuditEntry.id == entries[2].id)
                    .values(detail={"page": 99}))
    session.commit()
    session.expire_all()
    assert audit.verify_chain(session) == [entries[2].id]


def test_deleting_an_entry_in_the_middle_breaks_the_next_link(session: Session) -> None:
    entries = five_entries(session)
    session.execute(delete(AuditEntry).where(AuditEntry.id == entries[2].id))
    session.commit()
    assert audit.verify_chain(session) == [entries[3].id]


def test_niks_in_the_detail_are_masked(session: Session) -> None:
    audit.append(session, "official.serang", "document.viewed", "doc_1",
                 note="anak 3673015501269901", nik="3673015501269901")
    session.commit()
    detail = session.scalars(select(AuditEntry.detail)).one()
    assert "3673015501269901" not in str(detail)
    assert audit.verify_chain(session) == []
