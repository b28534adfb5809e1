"""Handlers on a real SQLite database with fake registries: the workflow without Kafka."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from pipeline.bootstrap import Container
from pipeline.config import Settings
from pipeline.domain.errors import TransientError
from pipeline.handlers import planning, tasks
from pipeline.handlers.intake import DuplicateReport, ReportBirth, report_birth
from pipeline.handlers.naming import NotFound, name_child
from pipeline.handlers.status import birth_status
from pipeline.persistence.migrate import seed_facilities, upgrade
from pipeline.persistence.tables import OutboxMessage
from pipeline.ports import Ports
from pipeline.streaming import topics
from schemas.birth import BirthReport, BirthReported
from schemas.envelope import Envelope
from schemas.tasks import TaskRequested
from tests.builders import MOTHER_NIK, a_birth_report
from tests.fakes import FakeBpjs, FakeSiak


@pytest.fixture
def siak() -> FakeSiak:
    fake = FakeSiak()
    fake.add_mother(MOTHER_NIK)
    return fake


@pytest.fixture
def container(tmp_path: Path, siak: FakeSiak) -> Container:
    url = f"sqlite:///{tmp_path / 'lahir.db'}"
    upgrade(url, seed=False)  # no officers: their Argon2 hashes take time these tests do not need
    seed_facilities(url)
    return Container(Settings(database_url=url), ports_override=Ports(siak=siak, bpjs=FakeBpjs()))


def report(container: Container, body: dict[str, Any], facility: str = "RSUDSRG") -> str:
    raw = json.dumps(body).encode()
    cmd = ReportBirth(facility, BirthReport.model_validate_json(raw),
                      hashlib.sha256(raw).hexdigest())
    return report_birth(cmd, container.uow(), index_key="k").registration_id


def pump(container: Container, *, deliver_twice: bool = False) -> list[str]:
    """Play the relay and the agents: deliver every outbox row to its handler until quiet."""
    seen: list[str] = []
    while True:
        with container.sessions() as session:
            rows = list(session.scalars(select(OutboxMessage)
                                        .where(OutboxMessage.published_at.is_(None))))
            for row in rows:
                row.published_at = container.clock()
            session.commit()
        if not rows:
            return seen
        for row in rows:
            seen.append(row.topic)
            for _ in range(2 if deliver_twice else 1):
                dispatch(container, row.topic, row.event)


def dispatch(container: Container, topic: str, raw: str) -> None:
    if topic == topics.BIRTHS_REPORTED.base:
        planning.plan_tasks(Envelope[BirthReported].model_validate_json(raw), container.uow(),
                            index_key="k")
    else:
        asyncio.run(tasks.run_task(Envelope[TaskRequested].model_validate_json(raw),
                                   container.uow, container.ports))


def status(container: Container, registration_id: str) -> dict[str, Any]:
    view = birth_status(container.uow(), registration_id, "RSUDSRG")
    assert view is not None
    return view


def test_a_live_birth_reaches_every_draft_and_bpjs(container: Container) -> None:
    reg = report(container, a_birth_report())
    pump(container)
    view = status(container, reg)
    assert view["status"] == "AWAITING_APPROVAL"
    assert {k: t["state"] for k, t in view["tasks"].items()} == {
        "nik": "DONE", "kk": "AWAITING_APPROVAL", "akta": "AWAITING_APPROVAL",
        "kia": "AWAITING_APPROVAL", "bpjs": "ENROLLED"}
    assert view["child_nik"].startswith("367301")
    assert view["tasks"]["akta"]["number"].startswith("3673-LU-")
    assert any(e["event"] == "drafts.ready" for e in view["timeline"])


def test_redelivered_events_change_nothing(container: Container, siak: FakeSiak) -> None:
    reg = report(container, a_birth_report())
    pump(container, deliver_twice=True)
    assert status(container, reg)["status"] == "AWAITING_APPROVAL"
    assert sorted(siak.effects) == sorted(f"{reg}:{k}" for k in ("nik", "kk", "akta", "kia"))
    with container.sessions() as session:  # exactly one request per task
        events = [json.loads(r.event)["data"]["task"] for r in session.scalars(
            select(OutboxMessage).where(OutboxMessage.topic != topics.BIRTHS_REPORTED.base))]
    assert sorted(events) == sorted(topics.TASK_KINDS)


def test_a_transient_failure_leaves_the_task_to_be_retried(container: Container,
                                                           siak: FakeSiak) -> None:
    reg = report(container, a_birth_report())
    with container.sessions() as session:
        birth = session.scalars(select(OutboxMessage)).one()
    dispatch(container, birth.topic, birth.event)
    with container.sessions() as session:
        nik_request = session.scalars(select(OutboxMessage)
                                      .where(OutboxMessage.topic.like("tasks.nik%"))).one()
    siak.fail_next = 1
    with pytest.raises(TransientError):
        dispatch(container, nik_request.topic, nik_request.event)
    assert status(container, reg)["tasks"]["nik"]["state"] == "IN_PROGRESS"
    dispatch(container, nik_request.topic, nik_request.event)  # the retry
    assert status(container, reg)["tasks"]["nik"]["state"] == "DONE"


def test_an_unnamed_child_gets_nik_kk_and_bpjs_while_akta_and_kia_wait(
        container: Container) -> None:
    reg = report(container, a_birth_report(child__name=None))
    pump(container)
    states = {k: t["state"] for k, t in status(container, reg)["tasks"].items()}
    assert states == {"nik": "DONE", "kk": "AWAITING_APPROVAL", "akta": "WAITING_FOR_NAME",
                      "kia": "WAITING_FOR_NAME", "bpjs": "ENROLLED"}


def test_a_stillbirth_only_drafts_the_surat_keterangan_lahir_mati(container: Container,
                                                                  siak: FakeSiak) -> None:
    reg = report(container, a_birth_report(live_birth=False))
    pump(container)
    view = status(container, reg)
    assert {t["state"] for t in view["tasks"].values()} == {"NOT_APPLICABLE"}
    assert [d["kind"] for d in view["documents"]] == ["SK_LAHIR_MATI"]
    assert view["status"] == "AWAITING_APPROVAL" and siak.effects == {}


def test_an_unknown_mother_needs_correction(container: Container) -> None:
    reg = report(container, a_birth_report(mother__nik="3673015508959999"))
    pump(container)
    view = status(container, reg)
    assert view["status"] == "NEEDS_CORRECTION"
    assert [p["code"] for p in view["problems"]] == ["MOTHER_NOT_FOUND"]


def test_a_family_registered_outside_kota_serang_is_not_processed_as_ours(
        container: Container, siak: FakeSiak) -> None:
    siak.add_mother(MOTHER_NIK, kk_regency="3604")
    reg = report(container, a_birth_report())
    pump(container)
    view = status(container, reg)
    assert view["status"] == "NEEDS_CORRECTION" and view["child_nik"] is None
    assert view["problems"][0]["code"] == "OUTSIDE_JURISDICTION"
    assert view["problems"][0]["kk_regency"] == "3604"


def test_the_same_report_twice_is_one_registration(container: Container) -> None:
    body = a_birth_report()
    assert report(container, body) == report(container, body)


def test_the_same_notification_id_with_another_body_is_a_conflict(container: Container) -> None:
    report(container, a_birth_report())
    with pytest.raises(DuplicateReport) as caught:
        report(container, a_birth_report(child__weight_grams=3000))
    assert caught.value.code == "NOTIFICATION_ID_REUSED"


def test_the_same_birth_from_another_notification_is_a_conflict(container: Container) -> None:
    body = a_birth_report()
    report(container, body)
    with pytest.raises(DuplicateReport) as caught:
        report(container, {**body, "notification_id": "RSUDSRG-TEST-000002"})
    assert caught.value.code == "BIRTH_ALREADY_REPORTED"


def test_another_facility_cannot_see_the_registration(container: Container) -> None:
    reg = report(container, a_birth_report())
    assert birth_status(container.uow(), reg, "PKMSRG") is None


def test_naming_the_child_later_lets_akta_and_kia_go_ahead(container: Container) -> None:
    reg = report(container, a_birth_report(child__name=None))
    pump(container)
    assert name_child(container.uow(), reg, "RSUDSRG", "Nur'aini") == "IN_PROGRESS"
    pump(container)
    view = status(container, reg)
    assert view["status"] == "AWAITING_APPROVAL"
    assert view["tasks"]["akta"]["state"] == view["tasks"]["kia"]["state"] == "AWAITING_APPROVAL"
    assert "child.named" in [e["event"] for e in view["timeline"]]


def test_a_name_is_given_once(container: Container) -> None:
    reg = report(container, a_birth_report())
    pump(container)
    assert name_child(container.uow(), reg, "RSUDSRG", "Aisyah Putri") == "AWAITING_APPROVAL"
    with pytest.raises(DuplicateReport) as caught:
        name_child(container.uow(), reg, "RSUDSRG", "Another Name")
    assert caught.value.code == "NAME_ALREADY_SET"
    with pytest.raises(NotFound):
        name_child(container.uow(), reg, "PKMSRG", "Aisyah Putri")


def test_a_corrected_resubmission_completes_a_registration_that_needed_correction(
        container: Container, siak: FakeSiak) -> None:
    wrong = a_birth_report(mother__nik="3673015508959999")
    reg = report(container, wrong)
    pump(container)
    assert status(container, reg)["status"] == "NEEDS_CORRECTION"
    assert report(container, a_birth_report()) == reg  # same notification_id, corrected body
    pump(container)
    view = status(container, reg)
    assert view["status"] == "AWAITING_APPROVAL" and view["problems"] == []
    corrected = [e for e in view["timeline"] if e["event"] == "birth.corrected"]
    assert corrected[0]["previous_problems"] == ["MOTHER_NOT_FOUND"]
    assert f"{reg}:nik:r1" in siak.effects  # fresh registry key for the corrected data


def test_a_report_that_needs_no_correction_cannot_be_changed(container: Container) -> None:
    report(container, a_birth_report())
    pump(container)
    with pytest.raises(DuplicateReport) as caught:
        report(container, a_birth_report(child__weight_grams=3000))
    assert caught.value.code == "NOTIFICATION_ID_REUSED"
