"""Plan a reported birth's tasks (births.reported.v1 → tasks.*.requested.v1)."""

from __future__ import annotations

import hashlib
from datetime import timedelta, timezone

from pipeline.domain.documents import stillbirth_letter_content
from pipeline.domain.ids import new_id
from pipeline.domain.tasks import TaskState, initial_states
from pipeline.domain.workflow import Status
from pipeline.handlers.intake import nik_index
from pipeline.handlers.progress import refresh_status, request_ready_tasks
from pipeline.persistence.tables import Document, Facility, Registration, Task
from pipeline.persistence.unit_of_work import UnitOfWork
from schemas.birth import BirthReported
from schemas.envelope import Envelope
from schemas.regions import utc_offset_hours

CONSUMER = "plan-tasks"


def plan_tasks(event: Envelope[BirthReported], uow: UnitOfWork, *, index_key: str) -> None:
    with uow:
        if not uow.mark_processed(CONSUMER, event.id):
            return  # a redelivery: already planned
        registration = uow.registration(event.subject, lock=True, with_report=False)
        if registration is None:  # replayed into a fresh environment: the event is the record
            registration = _materialize(uow, event, index_key)
            if registration is None:
                uow.commit()
                return
        if existing := uow.tasks(registration.id):  # a correction (or a replay): resume
            request_ready_tasks(uow, registration, existing, caused_by=event.id)
            refresh_status(uow, registration, existing)
            uow.commit()
            return
        now = uow.now()
        tasks = {kind: Task(registration_id=registration.id, kind=kind, state=state, detail={},
                            attempts=0, updated_at=now)
                 for kind, state in initial_states(registration.live_birth).items()}
        uow.session.add_all(tasks.values())
        if not registration.live_birth:  # no KK involved: the Dinas where the birth happened
            registration.dinas_code = event.data.report.place.regency_code
            _draft_stillbirth_letter(uow, registration.id, event.data)
        uow.record(registration.id, "tasks.planned")
        request_ready_tasks(uow, registration, tasks, caused_by=event.id)
        refresh_status(uow, registration, tasks)
        uow.commit()


def _materialize(uow: UnitOfWork, event: Envelope[BirthReported],
                 index_key: str) -> Registration | None:
    data = event.data
    if uow.session.get(Facility, data.facility_id) is None:
        return None  # a facility this environment does not know: nothing to register
    report = data.report
    raw = report.model_dump_json().encode()
    registration = Registration(
        id=event.subject, facility_code=data.facility_id, notification_id=report.notification_id,
        body_sha256=hashlib.sha256(raw).hexdigest(), report=report.model_dump(mode="json"),
        mother_index=nik_index(index_key, report.mother.nik), born_at=report.born_at,
        birth_order=report.child.birth_order, live_birth=report.live_birth,
        status=Status.RECEIVED, received_at=data.received_at, updated_at=uow.now(), problems=[],
        is_synthetic=True)
    uow.session.add(registration)
    uow.session.flush()
    uow.record(registration.id, "birth.reported", facility=data.facility_id, replayed=True)
    return registration


def _draft_stillbirth_letter(uow: UnitOfWork, registration_id: str, data: BirthReported) -> None:
    """Lahir mati: only a surat keterangan lahir mati, no NIK or akta (domain.md 3.6)."""
    report = data.report
    zone = timezone(timedelta(hours=utc_offset_hours(report.place.regency_code)))
    content = stillbirth_letter_content(report, data.facility_id, report.born_at.astimezone(zone))
    uow.session.add(Document(
        id=new_id("doc"), registration_id=registration_id, kind="SK_LAHIR_MATI",
        state=TaskState.AWAITING_APPROVAL, number=None, created_at=uow.now(), content=content))
    uow.record(registration_id, "document.drafted", kind="SK_LAHIR_MATI")
