"""Officers' decisions on drafts: approve (issue and sign), reject with a reason, revoke."""

from __future__ import annotations

from typing import Any

from pipeline.documents.issue import issue_document, revoke_document
from pipeline.documents.pki import Pki
from pipeline.domain.decisions import (
    TASK_OF,
    Action,
    DecisionConflict,
    DocumentNotFound,
    DocumentState,
    require,
)
from pipeline.domain.problems import problem
from pipeline.domain.tasks import TaskState
from pipeline.domain.workflow import Status
from pipeline.handlers.progress import refresh_status
from pipeline.persistence import audit
from pipeline.persistence.tables import Document, Registration
from pipeline.persistence.unit_of_work import UnitOfWork, UowFactory
from pipeline.streaming import topics
from schemas.documents import BirthCompleted
from schemas.envelope import Envelope

__all__ = ["DecisionConflict", "DocumentNotFound", "approve", "reject", "revoke"]
Officer = Any  # a username, or an object with .username (and .full_name)


def approve(uows: UowFactory, official: Officer, document_ids: list[str], pki: Pki,
            settings: Any) -> list[str]:
    """All or nothing; an already ISSUED document is a no-op. Returns the ids now issued."""
    actor, name = _who(official)
    with uows() as uow:
        for document_id in document_ids:
            document, registration = _load(uow, document_id)
            if document.state == DocumentState.ISSUED:
                continue
            issue_document(uow, document_id, actor, pki, settings, signer_name=name)
            _settle_task(uow, registration, document, TaskState.ISSUED)
            uow.record(registration.id, "document.issued", kind=document.kind)
            audit.append(uow.session, actor, "document.approved", document_id,
                         kind=document.kind, registration_id=registration.id)
            _refresh(uow, registration)
        uow.commit()
    return list(document_ids)


def reject(uows: UowFactory, officer: Officer, document_ids: list[str], reason: str) -> None:
    """The hospital sees the reason in its status view (problem DOCUMENT_REJECTED)."""
    actor, _ = _who(officer)
    if not reason.strip():
        raise ValueError("a rejection needs a reason")
    with uows() as uow:
        for document_id in document_ids:
            document, registration = _load(uow, document_id)
            if document.state == DocumentState.REJECTED:
                continue
            require(document.state, Action.REJECT, document_id)
            document.state, document.decided_at = DocumentState.REJECTED, uow.now()
            document.decided_by, document.decision_reason = actor, reason
            task = _settle_task(uow, registration, document, TaskState.REJECTED)
            registration.problems = [*(registration.problems or []), problem(
                "DOCUMENT_REJECTED", task, document_id=document_id, kind=document.kind,
                reason=reason)]
            uow.record(registration.id, "document.rejected", kind=document.kind)
            audit.append(uow.session, actor, "document.rejected", document_id,
                         kind=document.kind, registration_id=registration.id, reason=reason)
            _refresh(uow, registration)
        uow.commit()


def revoke(uows: UowFactory, official: Officer, document_id: str, reason: str) -> None:
    """Verification then answers REVOKED; the PDF stays stored as evidence."""
    actor, _ = _who(official)
    if not reason.strip():
        raise ValueError("a revocation needs a reason")
    with uows() as uow:
        document, registration = _load(uow, document_id)
        if document.state == DocumentState.REVOKED:
            return
        revoke_document(uow, document_id, actor, reason)
        uow.record(registration.id, "document.revoked", kind=document.kind)
        audit.append(uow.session, actor, "document.revoked", document_id, kind=document.kind,
                     registration_id=registration.id, reason=reason)
        uow.commit()


def _who(officer: Officer) -> tuple[str, str]:
    username = str(getattr(officer, "username", officer))
    return username, str(getattr(officer, "full_name", None) or username)


def _load(uow: UnitOfWork, document_id: str) -> tuple[Document, Registration]:
    document = uow.session.get(Document, document_id)
    if document is None:
        raise DocumentNotFound(document_id)
    registration = uow.registration(document.registration_id, lock=True)
    assert registration is not None
    uow.session.refresh(document)  # read again under the registration's lock
    return document, registration


def _settle_task(uow: UnitOfWork, registration: Registration, document: Document,
                 state: TaskState) -> str | None:
    kind = TASK_OF.get(document.kind)
    task = uow.tasks(registration.id).get(kind or "")
    if task is not None and task.state == TaskState.AWAITING_APPROVAL:
        task.state, task.updated_at = state, uow.now()
    return kind


def _refresh(uow: UnitOfWork, registration: Registration) -> None:
    before = registration.status
    uow.session.flush()
    refresh_status(uow, registration, uow.tasks(registration.id))
    if registration.status == Status.COMPLETED and before != Status.COMPLETED:
        _announce_completion(uow, registration)


def _announce_completion(uow: UnitOfWork, registration: Registration) -> None:
    ids = [d.id for d in uow.documents(registration.id) if d.state == DocumentState.ISSUED]
    event = Envelope[BirthCompleted](
        source="/lahir/officers", type="birth.completed", subject=registration.id,
        data=BirthCompleted(registration_id=registration.id, completed_at=uow.now(),
                            document_ids=ids))
    uow.publish(topics.BIRTHS_COMPLETED.base, registration.id, event)

