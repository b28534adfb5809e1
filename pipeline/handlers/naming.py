"""Name a child after the report: the akta and KIA that waited for the name go ahead."""

from __future__ import annotations

from pipeline.domain.tasks import TaskState
from pipeline.handlers.intake import DuplicateReport
from pipeline.handlers.progress import refresh_status, request_ready_tasks
from pipeline.persistence.unit_of_work import UnitOfWork


class NotFound(Exception):
    pass


def name_child(uow: UnitOfWork, registration_id: str, facility_code: str, name: str) -> str:
    """Returns the registration's status; 409 when the akta already carries another name."""
    with uow:
        registration = uow.registration(registration_id, lock=True)
        if registration is None or registration.facility_code != facility_code:
            raise NotFound(registration_id)
        if not registration.live_birth:
            raise DuplicateReport("STILLBIRTH_HAS_NO_AKTA",
                                  "a stillbirth gets no akta or KIA, so no name is registered")
        current = registration.report["child"].get("name")
        if current == name:
            return registration.status  # the same name again: nothing to do
        tasks = uow.tasks(registration.id)
        if current is not None or tasks["akta"].state != TaskState.WAITING_FOR_NAME:
            raise DuplicateReport("NAME_ALREADY_SET",
                                  "the child already has a name; a change of name is a separate "
                                  "court-ordered registration")
        report = dict(registration.report)
        registration.report = {**report, "child": {**report["child"], "name": name}}
        for kind in ("akta", "kia"):
            if tasks[kind].state == TaskState.WAITING_FOR_NAME:
                tasks[kind].state, tasks[kind].updated_at = TaskState.PENDING, uow.now()
        uow.record(registration.id, "child.named")
        request_ready_tasks(uow, registration, tasks, caused_by=None)
        uow.session.flush()
        refresh_status(uow, registration, tasks)
        uow.commit()
        return registration.status
