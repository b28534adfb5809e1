"""Moving a registration forward: task requests, derived status and the timeline."""

from __future__ import annotations

from typing import Any

from pipeline.domain.tasks import TaskState, ready_to_start
from pipeline.domain.workflow import Status, derive_status
from pipeline.persistence.tables import Registration, Task
from pipeline.persistence.unit_of_work import UnitOfWork
from pipeline.streaming import topics
from schemas.envelope import Envelope
from schemas.tasks import TaskRequested


def request_ready_tasks(uow: UnitOfWork, registration: Registration, tasks: dict[str, Task],
                        caused_by: Any) -> None:
    states = {kind: TaskState(t.state) for kind, t in tasks.items()}
    for kind in ready_to_start(states):
        task = tasks[kind]
        task.state, task.updated_at = TaskState.IN_PROGRESS, uow.now()
        publish_request(uow, registration, kind, caused_by=caused_by)
        uow.record(registration.id, "task.requested", task=kind)


def publish_request(uow: UnitOfWork, registration: Registration, kind: str, *,
                    caused_by: Any = None, source: str = "/lahir/pipeline") -> None:
    """A task.requested event through the outbox; the KK task is keyed by nomor KK, so the
    re-issues of twins' KK land on one partition, in order (style.md: retry topics)."""
    key = registration.nomor_kk if kind == "kk" and registration.nomor_kk else registration.id
    uow.publish(topics.TASKS[kind].base, key, Envelope[TaskRequested](
        source=source, type="task.requested", subject=registration.id, causationid=caused_by,
        data=TaskRequested(registration_id=registration.id, task=kind)))  # type: ignore[arg-type]


def refresh_status(uow: UnitOfWork, registration: Registration, tasks: dict[str, Task]) -> None:
    states = {kind: TaskState(t.state) for kind, t in tasks.items()}
    documents = uow.document_states(registration.id)
    status = derive_status(states, needs_correction=_needs_correction(registration),
                           documents_pending=TaskState.AWAITING_APPROVAL in documents,
                           documents_rejected=TaskState.REJECTED in documents)
    if status != registration.status:
        uow.record(registration.id, f"status.{status.lower()}")
        if status == Status.AWAITING_APPROVAL:
            uow.record(registration.id, "drafts.ready")
        registration.status = status
    registration.updated_at = uow.now()


def _needs_correction(registration: Registration) -> bool:
    return any(p.get("needs_correction") for p in registration.problems or [])
