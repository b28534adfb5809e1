"""Officers' decisions on real SQLite: issue and sign, complete, reject, supersede, revoke."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.bootstrap import Container
from pipeline.config import Settings
from pipeline.documents import tokens
from pipeline.documents.issue import verification
from pipeline.documents.pki import Pki
from pipeline.handlers import decisions
from pipeline.handlers.status import birth_status
from pipeline.persistence.migrate import upgrade
from pipeline.persistence.tables import AuditEntry, Document, IssuedDocument, OutboxMessage
from pipeline.ports import Ports
from pipeline.streaming import topics
from tests.builders import MOTHER_NIK, a_birth_report
from tests.fakes import FakeBpjs, FakeSiak
from tests.unit.test_handlers import pump, report


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return Pki.load_or_create(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def container(tmp_path: Path) -> Container:
    url = f"sqlite:///{tmp_path / 'lahir.db'}"
    upgrade(url)
    siak = FakeSiak()
    siak.add_mother(MOTHER_NIK)
    return Container(Settings(database_url=url),
                     ports_override=Ports(siak=siak, bpjs=FakeBpjs()))


def drafted(container: Container, **overrides: object) -> tuple[str, dict[str, str]]:
    """A registration with every draft awaiting approval: its id and {kind: document id}."""
    reg = report(container, a_birth_report(**overrides))
    with container.sessions() as session:  # pump() plays the task agents only
        for row in session.scalars(select(OutboxMessage).where(
                OutboxMessage.topic == topics.BIRTHS_COMPLETED.base)):
            row.published_at = container.clock()
        session.commit()
    pump(container)
    with container.uow() as uow:
        return reg, {d.kind: d.id for d in uow.documents(reg)}


def view(container: Container, reg: str) -> dict[str, object]:
    found = birth_status(container.uow(), reg, "RSUDSRG")
    assert found is not None
    return found


def completed_events(container: Container) -> list[dict[str, object]]:
    with container.sessions() as session:
        rows = session.scalars(select(OutboxMessage).where(
            OutboxMessage.topic == topics.BIRTHS_COMPLETED.base))
        return [json.loads(r.event) for r in rows]


def decided(session: Session) -> list[str]:
    """Audited decisions (dev officers seeded by the migrations are audited too)."""
    return [e.action for e in session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("document.%")))]


def approve(container: Container, pki: Pki, *ids: str) -> list[str]:
    return decisions.approve(container.uow, "kadis", list(ids), pki, container.settings)


def test_approving_issues_a_signed_document_and_settles_its_task(container: Container,
                                                                 pki: Pki) -> None:
    reg, docs = drafted(container)
    approve(container, pki, docs["KK"])
    status = view(container, reg)
    assert status["tasks"]["kk"]["state"] == "ISSUED"  # type: ignore[index]
    assert status["status"] == "AWAITING_APPROVAL"
    with container.sessions() as session:
        issued = session.get(IssuedDocument, docs["KK"])
        assert issued is not None and issued.pdf.startswith(b"%PDF") and issued.signed_by == "kadis"
        assert session.get(Document, docs["KK"]).state == "ISSUED"  # type: ignore[union-attr]
        assert decided(session) == ["document.approved"]


def test_every_document_approved_and_bpjs_done_completes_and_announces_it_once(
        container: Container, pki: Pki) -> None:
    reg, docs = drafted(container)
    approve(container, pki, *docs.values())
    assert view(container, reg)["status"] == "COMPLETED"
    events = completed_events(container)
    assert len(events) == 1 and events[0]["type"] == "birth.completed"
    assert events[0]["subject"] == reg and MOTHER_NIK not in json.dumps(events[0])
    approve(container, pki, *docs.values())  # again: nothing new
    assert len(completed_events(container)) == 1


def test_approving_twice_is_a_no_op(container: Container, pki: Pki) -> None:
    _, docs = drafted(container)
    approve(container, pki, docs["AKTA_KELAHIRAN"])
    with container.sessions() as session:
        first = session.get(IssuedDocument, docs["AKTA_KELAHIRAN"])
        assert first is not None
        token_id = first.token_id
    approve(container, pki, docs["AKTA_KELAHIRAN"])
    with container.sessions() as session:
        again = session.get(IssuedDocument, docs["AKTA_KELAHIRAN"])
        assert again is not None and again.token_id == token_id
        assert decided(session) == ["document.approved"]


def test_a_rejection_shows_its_reason_to_the_hospital(container: Container) -> None:
    reg, docs = drafted(container)
    decisions.reject(container.uow, "operator1", [docs["AKTA_KELAHIRAN"]], "Nama ayah salah eja")
    status = view(container, reg)
    assert status["status"] == "REJECTED"
    assert status["tasks"]["akta"]["state"] == "REJECTED"  # type: ignore[index]
    problem = status["problems"][0]  # type: ignore[index]
    assert problem["code"] == "DOCUMENT_REJECTED" and problem["task"] == "akta"
    assert problem["reason"] == "Nama ayah salah eja" and problem["message_id"]


def test_deciding_a_rejected_document_is_a_conflict_naming_what_is_allowed(
        container: Container, pki: Pki) -> None:
    _, docs = drafted(container)
    decisions.reject(container.uow, "operator1", [docs["KIA"]], "Foto tidak perlu")
    with pytest.raises(decisions.DecisionConflict) as rejected:
        approve(container, pki, docs["KIA"])
    assert rejected.value.code == "DOCUMENT_REJECTED" and rejected.value.allowed == []
    approve(container, pki, docs["KK"])
    with pytest.raises(decisions.DecisionConflict) as issued:
        decisions.reject(container.uow, "operator1", [docs["KK"]], "terlambat")
    assert issued.value.allowed == ["REVOKE"]


def test_a_re_issued_kk_supersedes_the_previous_version(container: Container, pki: Pki) -> None:
    _, first = drafted(container)
    _, twin = drafted(container, notification_id="RSUDSRG-TEST-000002",
                      child__birth_order=2, child__multiplicity=2, child__name="Aisyah Putra")
    approve(container, pki, first["KK"])
    approve(container, pki, twin["KK"])
    with container.sessions() as session:
        old, new = session.get(IssuedDocument, first["KK"]), session.get(IssuedDocument, twin["KK"])
        assert old is not None and new is not None
        assert old.superseded_by == twin["KK"] and new.supersedes == first["KK"]
        old_token = old.token_id
    with container.uow() as uow:
        answer = verification(uow, tokens.mint(pki, old_token, "KK"), pki)
    assert answer["status"] == "VALID" and answer["superseded_by"] == twin["KK"]


def test_a_revoked_document_verifies_as_revoked(container: Container, pki: Pki) -> None:
    _, docs = drafted(container)
    approve(container, pki, docs["AKTA_KELAHIRAN"])
    with container.sessions() as session:
        issued = session.get(IssuedDocument, docs["AKTA_KELAHIRAN"])
        assert issued is not None
        token_id = issued.token_id
    token = tokens.mint(pki, token_id, "AKTA_KELAHIRAN")
    with container.uow() as uow:
        assert verification(uow, token, pki)["status"] == "VALID"
    decisions.revoke(container.uow, "kadis", docs["AKTA_KELAHIRAN"], "Salah cetak nama")
    with container.uow() as uow:
        answer = verification(uow, token, pki)
    assert answer["valid"] is True and answer["status"] == "REVOKED"
    assert answer["document_number"].startswith("3673-LU-")


def test_kk_and_kia_numbers_are_masked_in_the_verification(container: Container,
                                                          pki: Pki) -> None:
    _, docs = drafted(container)
    approve(container, pki, docs["KK"])
    with container.sessions() as session:
        token_id = session.get(IssuedDocument, docs["KK"]).token_id  # type: ignore[union-attr]
    with container.uow() as uow:
        answer = verification(uow, tokens.mint(pki, token_id, "KK"), pki)
    assert answer["document_number"] == "3673********9901"


def test_a_stillbirth_letter_approved_completes_and_rejected_rejects(container: Container,
                                                                    pki: Pki) -> None:
    reg, docs = drafted(container, live_birth=False)
    approve(container, pki, docs["SK_LAHIR_MATI"])
    assert view(container, reg)["status"] == "COMPLETED"
    other, letters = drafted(container, live_birth=False, notification_id="RSUDSRG-TEST-000009",
                             child__birth_order=2, child__multiplicity=2)
    decisions.reject(container.uow, "operator1", [letters["SK_LAHIR_MATI"]], "Berat bayi salah")
    assert view(container, other)["status"] == "REJECTED"
