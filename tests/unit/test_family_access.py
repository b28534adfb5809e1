"""The family's PIN message, download pages and the public verification, on real SQLite."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from pipeline.bootstrap import Container
from pipeline.config import Settings
from pipeline.documents import tokens
from pipeline.handlers import decisions, notify
from pipeline.persistence.migrate import upgrade
from pipeline.persistence.tables import Document, FamilyAccess, IssuedDocument
from pipeline.ports import Ports
from pipeline.web.app import create_app
from schemas.documents import BirthCompleted
from schemas.envelope import Envelope
from tests.builders import MOTHER_NIK
from tests.fakes import FakeBpjs, FakeSiak
from tests.unit.test_decisions import drafted


@dataclass
class FakeNotifier:
    sent: dict[str, dict[str, str]] = field(default_factory=dict)

    async def send(self, key: str, to: str, channel: str, text: str) -> dict[str, Any]:
        self.sent.setdefault(key, {"to": to, "channel": channel, "text": text})
        return {"message_id": key}


@pytest.fixture
def container(tmp_path: Path) -> Container:
    url = f"sqlite:///{tmp_path / 'lahir.db'}"
    upgrade(url)
    siak = FakeSiak()
    siak.add_mother(MOTHER_NIK)
    settings = Settings(database_url=url, pki_dir=tmp_path / "pki")
    return Container(settings, ports_override=Ports(siak=siak, bpjs=FakeBpjs()))


def completed(container: Container) -> tuple[str, str, FakeNotifier]:
    """A completed registration whose family got its message: id, PIN, the fake gateway."""
    reg, docs = drafted(container)
    decisions.approve(container.uow, "kadis", list(docs.values()), container.pki,
                      container.settings)
    notifier = FakeNotifier()
    for _ in range(2):  # birth.completed delivered twice, as two distinct events
        event = Envelope[BirthCompleted](source="/t", type="birth.completed", subject=reg,
                                         data=BirthCompleted(registration_id=reg,
                                                             completed_at=container.clock(),
                                                             document_ids=list(docs.values())))
        asyncio.run(notify.notify_family(event, container.uow, notifier, container.settings))
    (message,) = notifier.sent.values()
    pin = re.search(r"PIN (\d{6})", message["text"])
    assert pin is not None
    return reg, pin.group(1), notifier


def test_the_family_gets_one_message_with_the_link_and_a_pin_kept_only_as_a_hash(
        container: Container) -> None:
    reg, pin, notifier = completed(container)
    (message,) = notifier.sent.values()
    assert message["to"] == "+6281200009901" and message["channel"] == "WHATSAPP"
    assert f"http://127.0.0.1:8000/family/{reg}" in message["text"]
    assert not re.search(r"\d{16}", message["text"])
    with container.sessions() as session:
        access = session.get(FamilyAccess, reg)
        assert access is not None and access.pin_hash.startswith("$argon2id$")
        assert pin not in access.pin_hash


def test_the_right_pin_lists_the_documents_and_downloads_a_pdf(container: Container) -> None:
    reg, pin, _ = completed(container)
    client = TestClient(create_app(container))
    assert client.get(f"/family/{reg}").status_code == 200
    page = client.post(f"/family/{reg}", data={"pin": pin})
    assert page.status_code == 200
    links = re.findall(r"href='(/family/download/[^']+)'", page.text)
    assert len(links) == 3 and not any(re.search(r"\d{16}", link) for link in links)
    pdf = client.get(links[0])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert TestClient(create_app(container)).get(links[0]).status_code == 403  # another session


def test_five_wrong_pins_lock_the_family_out(container: Container) -> None:
    reg, pin, _ = completed(container)
    client = TestClient(create_app(container))
    wrong = "000000" if pin != "000000" else "111111"
    answers = [client.post(f"/family/{reg}", data={"pin": wrong}).status_code for _ in range(5)]
    assert answers == [401, 401, 401, 401, 423]
    assert client.post(f"/family/{reg}", data={"pin": pin}).status_code == 423


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "x" * 3000, "%2e%2e/%2e%2e", "<b>"])
def test_verification_answers_any_token_without_a_server_error(container: Container,
                                                               token: str) -> None:
    client = TestClient(create_app(container), raise_server_exceptions=False)
    answer = client.get(f"/v1/verify/{token}")
    assert answer.status_code in (200, 404) and answer.status_code < 500
    if answer.status_code == 200:
        assert answer.json()["valid"] is False
    assert client.get(f"/verify/{token}").status_code < 500


def test_the_verification_page_and_json_say_valid_then_revoked(container: Container) -> None:
    completed(container)
    client = TestClient(create_app(container))
    with container.sessions() as session:
        issued, kind = session.execute(
            select(IssuedDocument, Document.kind).join(Document)
            .where(Document.kind == "AKTA_KELAHIRAN")).one()
        document_id, token_id = issued.document_id, issued.token_id
    token = tokens.mint(container.pki, token_id, kind)
    assert client.get(f"/v1/verify/{token}").json()["status"] == "VALID"
    assert "SAH" in client.get(f"/verify/{token}").text
    decisions.revoke(container.uow, "kadis", document_id, "uji")
    assert client.get(f"/v1/verify/{token}").json()["status"] == "REVOKED"
    assert "DICABUT" in client.get(f"/verify/{token}").text
