"""Work that has sat in one state too long, and asking for it again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from pipeline.domain.tasks import TaskState
from pipeline.handlers.progress import publish_request
from pipeline.persistence.tables import Registration, Task
from pipeline.persistence.unit_of_work import UowFactory

WAITING = (TaskState.PENDING, TaskState.IN_PROGRESS, TaskState.RETRYING)


@dataclass(frozen=True)
class StuckTask:
    registration_id: str
    task: str
    state: str
    since: datetime


def stuck_tasks(uows: UowFactory, older_than: timedelta) -> list[StuckTask]:
    with uows() as uow:
        rows = uow.session.scalars(select(Task).where(
            Task.state.in_([s.value for s in WAITING]),
            Task.updated_at < uow.now() - older_than).order_by(Task.updated_at))
        return [StuckTask(t.registration_id, t.kind, t.state, t.updated_at) for t in rows]


def rerequest(uows: UowFactory, registration_id: str, kind: str) -> bool:
    """Publish the task's request again; safe, as every effect is idempotent on its key."""
    with uows() as uow:
        registration = uow.session.get(Registration, registration_id)
        task = uow.tasks(registration_id).get(kind) if registration else None
        if registration is None or task is None or task.state not in WAITING:
            return False
        if task.state == TaskState.PENDING:
            return False  # waits for another task: re-request that one instead
        publish_request(uow, registration, kind, source="/lahir/operator")
        task.updated_at = uow.now()
        uow.record(registration_id, "task.rerequested", task=kind)
        uow.commit()
        return True
