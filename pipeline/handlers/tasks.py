"""Run one task: read inputs, call the registry outside any transaction, record the outcome."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select

from pipeline.domain.errors import RegistryRejected
from pipeline.domain.ids import new_id
from pipeline.domain.problems import SIAK_CODES, problem
from pipeline.domain.tasks import FINAL, TaskState
from pipeline.handlers.executors import EXECUTORS, TaskInput, TaskOutcome
from pipeline.handlers.progress import refresh_status, request_ready_tasks
from pipeline.persistence.tables import Document, Registration, Task
from pipeline.persistence.unit_of_work import UnitOfWork, UowFactory
from pipeline.ports import DbRunner, Ports, inline
from schemas.birth import BirthReport
from schemas.envelope import Envelope
from schemas.tasks import TaskRequested


def consumer(kind: str) -> str:
    return f"task-{kind}"


async def run_task(event: Envelope[TaskRequested], uows: UowFactory, ports: Ports,
                   db: DbRunner = inline) -> None:
    """Exactly once in effect: the registry dedups on the task's key, the inbox on the event.
    The registry call is awaited outside any transaction; `db` runs the reads and the write."""
    kind = event.data.task
    task_input = await db(_read, uows(), event)
    if task_input is None:
        return
    try:
        outcome = await EXECUTORS[kind](task_input, ports)  # TransientError propagates: retry
    except RegistryRejected as exc:  # the registry said no: a final outcome, not a retry
        outcome = TaskOutcome(TaskState.FAILED, detail={"registry_code": exc.code}, problem=problem(
            SIAK_CODES.get(exc.code, "REGISTRY_REJECTED"), kind, registry_code=exc.code,
            needs_correction=True))
    await db(_record, uows(), event, outcome)


def _record(uow: UnitOfWork, event: Envelope[TaskRequested], outcome: TaskOutcome) -> None:
    kind = event.data.task
    with uow:
        if not uow.mark_processed(consumer(kind), event.id):
            return
        registration = uow.registration(event.data.registration_id, lock=True,
                                        with_report=False)
        assert registration is not None
        tasks = uow.tasks(registration.id)
        if TaskState(tasks[kind].state) in FINAL:
            uow.commit()  # another delivery of this task already recorded its outcome
            return
        _apply(uow, registration, tasks[kind], outcome)
        request_ready_tasks(uow, registration, tasks, caused_by=event.id)
        refresh_status(uow, registration, tasks)
        uow.commit()


def mark_retrying(uows: UowFactory, event: Envelope[TaskRequested], attempt: int,
                  reason: str) -> None:
    with uows() as uow:
        task = uow.tasks(event.data.registration_id).get(event.data.task)
        if task is None or TaskState(task.state) in FINAL:
            return
        task.state, task.attempts, task.updated_at = TaskState.RETRYING, attempt, uow.now()
        task.detail = {**task.detail, "last_error": reason}
        uow.record(task.registration_id, "task.retrying", task=task.kind, attempt=attempt)
        uow.commit()


def mark_failed(uows: UowFactory, event: Envelope[TaskRequested], reason: str) -> None:
    """Dead-lettered: the status shows it; an operator re-drives it."""
    with uows() as uow:
        registration = uow.registration(event.data.registration_id, lock=True,
                                        with_report=False)
        if registration is None:
            return
        tasks = uow.tasks(registration.id)
        task = tasks.get(event.data.task)
        if task is None or TaskState(task.state) in FINAL:
            return
        task.state, task.updated_at = TaskState.FAILED, uow.now()
        task.detail = {**task.detail, "last_error": reason}
        registration.problems = [*registration.problems, problem("DEAD_LETTERED", task.kind)]
        uow.record(registration.id, "task.dead_lettered", task=task.kind)
        refresh_status(uow, registration, tasks)
        uow.commit()


_INPUT = select(Registration.report, Registration.child_nik, Registration.nomor_kk,
                Registration.revision).where(Registration.id == bindparam("id"))
_RESULTS = select(Task.kind, Task.state, Task.detail).where(
    Task.registration_id == bindparam("id"))


def _read(uow: UnitOfWork, event: Envelope[TaskRequested]) -> TaskInput | None:
    """Plain columns, not ORM objects: this runs once per task on the hot path."""
    registration_id = event.data.registration_id
    with uow.read_only():
        row = uow.session.execute(_INPUT, {"id": registration_id}).first()
        if row is None:
            return None
        tasks = {kind: (state, detail) for kind, state, detail in uow.session.execute(
            _RESULTS, {"id": registration_id})}
    state = tasks.get(event.data.task, (None, None))[0]
    if state is None or TaskState(state) in FINAL:
        return None
    return TaskInput(registration_id=registration_id, report=_report(row.report),
                     child_nik=row.child_nik, nomor_kk=row.nomor_kk,
                     results={k: dict(detail or {}) for k, (_, detail) in tasks.items()},
                     revision=row.revision or 0)


@lru_cache(maxsize=2048)
def _parsed(raw: str) -> BirthReport:
    return BirthReport.model_validate_json(raw)


def _report(report: dict[str, Any]) -> BirthReport:
    """Five tasks read the same stored report: validate it once (the text is the cache key;
    executors never change a report)."""
    return _parsed(json.dumps(report, sort_keys=True))


def _apply(uow: UnitOfWork, registration: Registration, task: Task, outcome: TaskOutcome) -> None:
    task.state, task.updated_at = outcome.state, uow.now()
    task.detail = {**task.detail, **outcome.detail}
    task.detail.pop("last_error", None)
    if outcome.child_nik:
        registration.child_nik = outcome.child_nik
    if outcome.nomor_kk:
        registration.nomor_kk = outcome.nomor_kk
    if kecamatan := outcome.detail.get("kode_kecamatan"):
        registration.dinas_code = str(kecamatan)[:4]  # the Dinas of the KK's domicile
    if outcome.problem:
        registration.problems = [*registration.problems, outcome.problem]
    if outcome.state == TaskState.WAITING_FOR_NAME and task.kind == "akta":
        uow.tasks(registration.id)["kia"].state = TaskState.WAITING_FOR_NAME
    if outcome.document:
        kind, number, content = outcome.document
        document = Document(id=new_id("doc"), registration_id=registration.id, kind=kind,
                            state=TaskState.AWAITING_APPROVAL, number=number, content=content,
                            created_at=uow.now())
        uow.session.add(document)
        task.detail = {**task.detail, "document_id": document.id}
    uow.record(registration.id, f"task.{outcome.state.lower()}", task=task.kind)


def reopen_task(uows: UowFactory, registration_id: str, kind: str) -> bool:
    """An operator re-drives a dead-lettered task: it runs again and its problem is withdrawn."""
    with uows() as uow:
        registration = uow.registration(registration_id, lock=True)
        tasks = uow.tasks(registration_id) if registration else {}
        task = tasks.get(kind)
        if registration is None or task is None or task.state != TaskState.FAILED:
            return False
        task.state, task.updated_at = TaskState.IN_PROGRESS, uow.now()
        registration.problems = [
            p for p in registration.problems or []
            if not (p.get("code") == "DEAD_LETTERED" and p.get("task") == kind)]
        uow.record(registration_id, "task.redriven", task=kind)
        refresh_status(uow, registration, tasks)
        uow.commit()
        return True
