"""An OPERATOR's check of drafts before an OFFICIAL signs them: marked verified, audited."""

from __future__ import annotations

from sqlalchemy import select

from pipeline.domain.tasks import TaskState
from pipeline.persistence import audit
from pipeline.persistence.tables import Document, Registration
from pipeline.persistence.unit_of_work import UowFactory


class NotVerifiable(ValueError):
    """Only a draft awaiting approval, in the officer's jurisdiction, can be verified."""


def mark_verified(uows: UowFactory, operator: str, dinas_code: str,
                  document_ids: list[str]) -> list[str]:
    """All or nothing: the ids newly marked (an already verified draft stays as it was)."""
    with uows() as uow:
        rows = list(uow.session.scalars(
            select(Document).join(Registration)
            .where(Document.id.in_(document_ids), Registration.dinas_code == dinas_code)
            .with_for_update()))
        if len(rows) != len(set(document_ids)):
            raise NotVerifiable("a document is not in this jurisdiction")
        if any(d.state != TaskState.AWAITING_APPROVAL for d in rows):
            raise NotVerifiable("a document is no longer awaiting approval")
        marked = [d for d in rows if d.verified_at is None]
        for document in marked:
            document.verified_by, document.verified_at = operator, uow.now()
            audit.append(uow.session, operator, "document.verified", document.id, at=uow.now(),
                         kind=document.kind)
            uow.record(document.registration_id, "document.verified", kind=document.kind)
        uow.commit()
        return [d.id for d in marked]
