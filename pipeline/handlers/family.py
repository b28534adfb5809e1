"""The family's side: check the download PIN (locked after too many misses), list and fetch PDFs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from pipeline.persistence import audit
from pipeline.persistence.tables import Document, FamilyAccess, IssuedDocument
from pipeline.persistence.unit_of_work import UowFactory

HASHER = PasswordHasher()


class PinCheck(StrEnum):
    OK = "OK"
    WRONG = "WRONG"
    LOCKED = "LOCKED"
    NO_ACCESS = "NO_ACCESS"  # nothing issued yet for this registration


@dataclass(frozen=True)
class FamilyDocument:
    document_id: str
    kind: str
    issued_at: datetime


def check_pin(uows: UowFactory, registration_id: str, pin: str, max_failures: int) -> PinCheck:
    """Each miss counts; after `max_failures` the PIN stops working (the Dinas resets it)."""
    with uows() as uow:
        access = uow.session.scalar(select(FamilyAccess).where(
            FamilyAccess.registration_id == registration_id).with_for_update())
        if access is None:
            return PinCheck.NO_ACCESS
        if access.failed_attempts >= max_failures:
            return PinCheck.LOCKED
        if _matches(access.pin_hash, pin):
            access.failed_attempts = 0
            result = PinCheck.OK
        else:
            access.failed_attempts += 1
            result = PinCheck.LOCKED if access.failed_attempts >= max_failures else PinCheck.WRONG
        uow.commit()
        return result


def issued_documents(uows: UowFactory, registration_id: str) -> list[FamilyDocument]:
    """Documents in force: issued, not revoked, not superseded by a later KK."""
    with uows() as uow:
        rows = uow.session.execute(
            select(Document.id, Document.kind, IssuedDocument.issued_at)
            .join(IssuedDocument, IssuedDocument.document_id == Document.id)
            .where(Document.registration_id == registration_id,
                   IssuedDocument.revoked_at.is_(None), IssuedDocument.superseded_by.is_(None))
            .order_by(IssuedDocument.issued_at))
        return [FamilyDocument(*row) for row in rows]


def download(uows: UowFactory, registration_id: str, document_id: str) -> bytes | None:
    """The signed PDF, audited; None when it is not this registration's or no longer in force."""
    with uows() as uow:
        row = uow.session.execute(
            select(IssuedDocument, Document.registration_id)
            .join(Document, Document.id == IssuedDocument.document_id)
            .where(IssuedDocument.document_id == document_id)).first()
        if row is None or row[1] != registration_id or row[0].revoked_at is not None:
            return None
        audit.append(uow.session, f"family:{registration_id}", "document.downloaded",
                     document_id)
        pdf = bytes(row[0].pdf)
        uow.commit()
        return pdf


def _matches(pin_hash: str, pin: str) -> bool:
    try:
        return HASHER.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False
