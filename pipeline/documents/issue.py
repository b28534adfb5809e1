"""Issuance inside the caller's transaction: render, sign, store; revoke; answer verifications."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import select, text

from pipeline.documents import tokens
from pipeline.documents.pdf import render
from pipeline.documents.pki import Pki
from pipeline.documents.sign import sign_pdf
from pipeline.domain.clock import WIB
from pipeline.domain.decisions import (
    Action,
    DecisionConflict,
    DocumentNotFound,
    DocumentState,
    require,
)
from pipeline.logging import mask_nik
from pipeline.persistence.tables import Document, IssuedDocument, Registration
from pipeline.persistence.unit_of_work import UnitOfWork

ISSUER = "Dinas Kependudukan dan Pencatatan Sipil Kota Serang"


def issue_document(uow: UnitOfWork, document_id: str, official: str, pki: Pki,
                   settings: Any, *, signer_name: str | None = None) -> IssuedDocument:
    """An ISSUED document gives back its first issue (idempotent); `official` is the username."""
    document = uow.session.get(Document, document_id)
    if document is None:
        raise DocumentNotFound(document_id)
    if document.state == DocumentState.ISSUED:
        existing = uow.session.get(IssuedDocument, document_id)
        if existing is not None:
            return existing
    require(document.state, Action.APPROVE, document_id)
    registration = uow.session.get(Registration, document.registration_id)
    assert registration is not None
    now, token_id = uow.now(), secrets.token_urlsafe(12)
    token = tokens.mint(pki, token_id, document.kind, now.astimezone(WIB).date())
    page = render(document, registration, token=token, public_base_url=settings.public_base_url,
                  issued_on=now.astimezone(WIB).date())
    signed = sign_pdf(pki, page, approved_by=signer_name or official)
    issued = IssuedDocument(document_id=document.id, token_id=token_id, pdf=signed,
                            sha256=hashlib.sha256(signed).hexdigest(), issued_at=now,
                            signed_by=official)
    uow.session.add(issued)
    document.state, document.decided_at, document.decided_by = DocumentState.ISSUED, now, official
    if document.kind == "KK" and document.number:
        _supersede(uow, document, issued)
    return issued


def _supersede(uow: UnitOfWork, document: Document, issued: IssuedDocument) -> None:
    """A KK re-issued for the same nomor KK replaces the version in force (domain.md 2.4)."""
    if uow.session.get_bind().dialect.name == "postgresql":  # SQLite: one writer at a time
        uow.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                            {"k": f"kk:{document.number}"})
    uow.session.flush()
    current = uow.session.execute(
        select(IssuedDocument, Document).join(Document, Document.id == IssuedDocument.document_id)
        .where(Document.kind == "KK", Document.number == document.number,
               Document.id != document.id, IssuedDocument.superseded_by.is_(None),
               IssuedDocument.revoked_at.is_(None))
        .order_by(IssuedDocument.issued_at.desc())).first()
    if current is None:
        return
    previous, previous_doc = current
    if _version(previous_doc) > _version(document):  # approved out of order: the newer stays
        issued.superseded_by, previous.supersedes = previous.document_id, document.id
    else:
        previous.superseded_by, issued.supersedes = document.id, previous.document_id


def _version(document: Document) -> int:
    versi = (document.content or {}).get("versi")
    return versi if isinstance(versi, int) else 0


def revoke_document(uow: UnitOfWork, document_id: str, official: str,
                    reason: str) -> IssuedDocument:
    """Revoking a revoked document again changes nothing."""
    document = uow.session.get(Document, document_id)
    if document is None:
        raise DocumentNotFound(document_id)
    issued = uow.session.get(IssuedDocument, document_id)
    if document.state == DocumentState.REVOKED and issued is not None:
        return issued
    require(document.state, Action.REVOKE, document_id)
    if issued is None:
        raise DecisionConflict("DOCUMENT_NOT_ISSUED", [], document_id)
    issued.revoked_at, issued.revoked_by, issued.revoke_reason = uow.now(), official, reason
    document.state = DocumentState.REVOKED
    return issued


def verification(uow: UnitOfWork, token: str, pki: Pki) -> dict[str, Any]:
    """Contract §4: what the QR's token proves. Never raises for any token string."""
    check = tokens.check(pki, token)
    if not check.valid:
        return {"valid": False, "reason": check.reason}
    row = uow.session.execute(
        select(IssuedDocument, Document).join(Document, Document.id == IssuedDocument.document_id)
        .where(IssuedDocument.token_id == check.token_id)).first()
    if row is None or row[1].kind != check.kind:
        return {"valid": False, "reason": "UNKNOWN_DOCUMENT"}
    issued, document = row
    answer: dict[str, Any] = {
        "valid": True, "status": "REVOKED" if issued.revoked_at else "VALID",
        "document_type": document.kind, "document_number": public_number(document),
        "issued_at": issued.issued_at.isoformat(), "issuer": ISSUER}
    if issued.revoked_at:
        answer["revoked_at"] = issued.revoked_at.isoformat()
    if issued.superseded_by:
        answer["superseded_by"] = issued.superseded_by
    return answer


def public_number(document: Document) -> str:
    """The akta number as printed; a KK's or KIA's number is a nomor KK or NIK: masked."""
    if document.kind == "AKTA_KELAHIRAN" and document.number:
        return document.number
    if document.number and document.number.isdigit():
        return mask_nik(document.number)
    return document.id
