"""The append-only audit log: who did what to which record, chained by SHA-256 so edits show."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from pipeline.domain.clock import system_clock
from pipeline.logging import mask_nik, scrub
from pipeline.persistence.tables import AuditEntry

GENESIS = "0" * 64
# one constant key for pg_advisory_xact_lock: every append to the chain queues behind it
AUDIT_LOCK_KEY = 0x4C4148495241  # "LAHIRA"


def append(session: Session, actor: str, action: str, target: str, /,
           *, at: datetime | None = None, **detail: Any) -> AuditEntry:
    """Add one entry in the caller's transaction; it becomes durable with the caller's commit.

    NIKs and names in `detail` are masked (domain.md 8.3): the log says who touched what, it
    does not copy the data.
    """
    _serialize_appends(session)
    when = (at or system_clock()).astimezone(UTC)
    clean: dict[str, Any] = json.loads(json.dumps(scrub(detail), default=str))
    actor, target = mask_nik(actor)[:64], mask_nik(target)[:80]
    prev = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    prev_hash = prev or GENESIS
    entry = AuditEntry(at=when, actor=actor, action=action, target=target, detail=clean,
                       prev_hash=prev_hash,
                       hash=entry_hash(prev_hash, when, actor, action, target, clean))
    session.add(entry)
    session.flush()  # the next append in this transaction must see this one as the last
    return entry


def entry_hash(prev_hash: str, at: datetime, actor: str, action: str, target: str,
               detail: dict[str, Any]) -> str:
    payload = json.dumps(
        {"at": at.astimezone(UTC).isoformat(timespec="microseconds"), "actor": actor,
         "action": action, "target": target, "detail": detail},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def verify_chain(session: Session) -> list[int]:
    """Ids of entries whose hash or link does not match: an edited row, or the row after a
    deleted one. An empty list means the chain is intact."""
    broken: list[int] = []
    expected_prev = GENESIS
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        recomputed = entry_hash(entry.prev_hash, entry.at, entry.actor, entry.action,
                                entry.target, entry.detail or {})
        if entry.prev_hash != expected_prev or recomputed != entry.hash:
            broken.append(entry.id)
        expected_prev = entry.hash  # carry on from what is stored: flag each break once
    return broken


def _serialize_appends(session: Session) -> None:
    # SQLite: BEGIN IMMEDIATE (persistence/db.py) already holds the one write lock
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
