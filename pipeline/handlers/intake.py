"""Report a birth: one transaction stores the registration and its `birth.reported` event."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.exc import IntegrityError

from pipeline.domain.ids import new_id
from pipeline.domain.tasks import TaskState
from pipeline.domain.workflow import Status
from pipeline.persistence.tables import Registration
from pipeline.persistence.unit_of_work import UnitOfWork
from pipeline.streaming import topics
from schemas.birth import BirthReport, BirthReported
from schemas.envelope import Envelope


@dataclass(frozen=True)
class ReportBirth:
    facility_code: str
    report: BirthReport
    body_sha256: str
    is_synthetic: bool = True


@dataclass(frozen=True)
class Accepted:
    registration_id: str
    replayed: bool  # True: the same report was sent again; the first answer is repeated
    corrected: bool = False  # True: a corrected resubmission of a NEEDS_CORRECTION report


class DuplicateReport(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


# the lookups of every POST, built once (cached compiled form), reading three columns, not rows
_BY_NOTIFICATION = select(Registration.id, Registration.status, Registration.body_sha256).where(
    Registration.facility_code == bindparam("facility"),
    Registration.notification_id == bindparam("notification"))
_SAME_BIRTH = select(Registration.id).where(
    Registration.mother_index == bindparam("mother"), Registration.born_at == bindparam("born_at"),
    Registration.birth_order == bindparam("order"))
Known = Row[tuple[str, str, str]]  # id, status, body_sha256 of a registration already stored


def nik_index(key: str, nik: str) -> str:
    """Keyed hash: finds the same mother without a column of clear NIKs."""
    return hmac.new(key.encode(), nik.encode(), hashlib.sha256).hexdigest()


def report_birth(cmd: ReportBirth, uow: UnitOfWork, *, index_key: str) -> Accepted:
    with uow:
        existing = _by_notification(uow, cmd)
        mother = nik_index(index_key, cmd.report.mother.nik)
        if existing is not None and _is_correction(existing, cmd):
            registration = uow.registration(existing.id, lock=True)
            assert registration is not None
            return correct_report(uow, registration, cmd, mother)
        if existing is not None:
            return _same_or_conflict(existing, cmd)
        if uow.session.scalar(_SAME_BIRTH, {"mother": mother, "born_at": cmd.report.born_at,
                                            "order": cmd.report.child.birth_order}):
            raise DuplicateReport("BIRTH_ALREADY_REPORTED", "a birth for this mother, time and "
                                  "birth order is already reported")
        registration_id, now = new_id("reg"), uow.now()
        uow.add(Registration, _new_registration(registration_id, now, cmd, mother))
        uow.record(registration_id, "birth.reported", facility=cmd.facility_code)
        uow.publish(topics.BIRTHS_REPORTED.base, registration_id,
                    _event(registration_id, now, now, 0, cmd))
        try:
            uow.commit()
        except IntegrityError:  # a twin request won the race: answer as if it came first
            uow.session.rollback()
            existing = _by_notification(uow, cmd)
            if existing is None:
                raise DuplicateReport("BIRTH_ALREADY_REPORTED",
                                      "a birth for this mother, time and birth order is "
                                      "already reported") from None
            return _same_or_conflict(existing, cmd)
        return Accepted(registration_id, replayed=False)


def _is_correction(existing: Known, cmd: ReportBirth) -> bool:
    return existing.status == Status.NEEDS_CORRECTION and existing.body_sha256 != cmd.body_sha256


def correct_report(uow: UnitOfWork, registration: Registration, cmd: ReportBirth,
                   mother: str) -> Accepted:
    """The hospital resends the same notification_id with corrected data (README: corrections).

    The corrected report is an accepted report too, so it goes to births.reported.v1; tasks that
    failed start again with fresh registry keys (revision), those that succeeded stay done."""
    if registration.live_birth != cmd.report.live_birth:
        raise DuplicateReport("CORRECTION_CHANGES_KIND",
                              "a correction cannot turn a live birth into a stillbirth or back")
    now = uow.now()
    previous = [p.get("code") for p in registration.problems or []]
    registration.report = cmd.report.model_dump(mode="json")
    registration.body_sha256, registration.mother_index = cmd.body_sha256, mother
    registration.born_at = cmd.report.born_at
    registration.birth_order = cmd.report.child.birth_order
    registration.problems, registration.revision = [], (registration.revision or 0) + 1
    registration.status, registration.updated_at = Status.RECEIVED, now
    for task in uow.tasks(registration.id).values():
        if task.state == TaskState.FAILED:
            task.state, task.updated_at, task.detail = TaskState.PENDING, now, {}
    uow.record(registration.id, "birth.corrected", previous_problems=previous,
               revision=registration.revision)
    uow.publish(topics.BIRTHS_REPORTED.base, registration.id,
                _event(registration.id, registration.received_at, now, registration.revision, cmd))
    try:
        uow.commit()
    except IntegrityError:
        raise DuplicateReport("BIRTH_ALREADY_REPORTED",
                              "a birth for this mother, time and birth order is already reported"
                              ) from None
    return Accepted(registration.id, replayed=False, corrected=True)


def _by_notification(uow: UnitOfWork, cmd: ReportBirth) -> Known | None:
    return uow.session.execute(_BY_NOTIFICATION, {
        "facility": cmd.facility_code, "notification": cmd.report.notification_id}).first()


def _same_or_conflict(existing: Known, cmd: ReportBirth) -> Accepted:
    if existing.body_sha256 != cmd.body_sha256:
        raise DuplicateReport("NOTIFICATION_ID_REUSED",
                              "this notification_id was already used with a different body")
    return Accepted(existing.id, replayed=True)


def _new_registration(registration_id: str, now: datetime, cmd: ReportBirth,
                      mother: str) -> dict[str, Any]:
    """The row as one plain insert: the ORM's flush of a single object cost more than the rest
    of the request (py-spy)."""
    return {
        "id": registration_id, "facility_code": cmd.facility_code,
        "notification_id": cmd.report.notification_id, "body_sha256": cmd.body_sha256,
        "report": cmd.report.model_dump(mode="json"), "mother_index": mother,
        "born_at": cmd.report.born_at, "birth_order": cmd.report.child.birth_order,
        "live_birth": cmd.report.live_birth, "status": Status.RECEIVED.value, "received_at": now,
        "updated_at": now, "problems": [], "revision": 0, "child_nik": None, "nomor_kk": None,
        "dinas_code": None, "is_synthetic": cmd.is_synthetic,
    }


def _event(registration_id: str, received_at: datetime, at: datetime, revision: int,
           cmd: ReportBirth) -> Envelope[Any]:
    data = BirthReported(registration_id=registration_id, facility_id=cmd.facility_code,
                         received_at=received_at, report=cmd.report)
    return Envelope[BirthReported](source=f"/facilities/{cmd.facility_code}",
                                   type="birth.corrected" if revision else "birth.reported",
                                   time=at, subject=registration_id, data=data)
