"""Approval to the family's printer: COMPLETED, one WhatsApp with link and PIN, signed PDFs, QR."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from connectors.hospital_client import HospitalClient
from pipeline.bootstrap import Container
from pipeline.config import Settings
from pipeline.documents import tokens
from pipeline.documents.sign import validate_pdf
from pipeline.handlers import decisions
from pipeline.persistence.tables import Document, IssuedDocument, OutboxMessage
from pipeline.streaming import topics
from tests.e2e.conftest import FACILITY, SECRET, RunningStack, reports_for
from tests.e2e.flows import post_and_follow

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def officers_side(stack: RunningStack) -> Container:
    """The officer UI's process: same database and the same PKI directory as the API."""
    return Container(Settings(database_url=stack.database_url, pki_dir=Path(stack.env["PKI_DIR"]),
                              public_base_url=stack.api))


def messages(stack: RunningStack) -> list[dict[str, Any]]:
    return httpx.get(f"{stack.notify}/_sim/messages", timeout=10).json()["messages"]


def wait_for_message(stack: RunningStack, registration_id: str, timeout: float = 60) -> list[Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in messages(stack) if f"/family/{registration_id}" in m["text"]]
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"no message for {registration_id}: {messages(stack)}")


async def test_an_approved_birth_completes_and_the_family_downloads_a_valid_pdf(
        stack: RunningStack) -> None:
    mother = stack.mothers(1, offset=40)
    report = reports_for(mother, seed=7, prefix="E2E-DONE")[0]
    (reg, drafted), = (await post_and_follow(stack, [report])).items()
    assert drafted["status"] == "AWAITING_APPROVAL", drafted
    officers = officers_side(stack)
    ids = [d["document_id"] for d in drafted["documents"]]
    await asyncio.to_thread(decisions.approve, officers.uow, "kadis.serang", ids, officers.pki,
                            officers.settings)

    async with HospitalClient(stack.api, FACILITY, SECRET) as client:
        view = (await client.get_birth(reg)).json()
    assert view["status"] == "COMPLETED", view
    _deliver_completion_again(officers, reg)
    found = wait_for_message(stack, reg)
    time.sleep(2)  # the second birth.completed has had its chance to send again
    assert len([m for m in messages(stack) if f"/family/{reg}" in m["text"]]) == 1
    assert found[0]["to"] == report["mother"]["phone"]
    pin = re.search(r"PIN (\d{6})", found[0]["text"]).group(1)  # type: ignore[union-attr]

    pdf = _family_download(stack, reg, pin)
    assert validate_pdf(officers.pki, pdf).valid
    token = _token_of(officers, ids)
    assert httpx.get(f"{stack.api}/v1/verify/{token}").json()["status"] == "VALID"
    decisions.revoke(officers.uow, "kadis.serang", ids[0], "uji pencabutan")
    assert httpx.get(f"{stack.api}/v1/verify/{token}").json()["status"] == "REVOKED"


def _deliver_completion_again(officers: Container, reg: str) -> None:
    """At-least-once: the same birth.completed published a second time as a new row."""
    with officers.sessions() as session:
        row = session.scalars(select(OutboxMessage).where(
            OutboxMessage.topic == topics.BIRTHS_COMPLETED.base,
            OutboxMessage.key == reg)).one()
        session.add(OutboxMessage(topic=row.topic, key=row.key, event=row.event,
                                  created_at=officers.clock()))
        session.commit()


def _family_download(stack: RunningStack, reg: str, pin: str) -> bytes:
    with httpx.Client(base_url=stack.api, timeout=30) as browser:
        wrong = "000000" if pin != "000000" else "111111"
        assert browser.post(f"/family/{reg}", data={"pin": wrong}).status_code == 401
        page = browser.post(f"/family/{reg}", data={"pin": pin})
        assert page.status_code == 200
        links = re.findall(r"href='(/family/download/[^']+)'", page.text)
        assert len(links) == 3
        pdf = browser.get(links[0])
        assert pdf.status_code == 200
        return pdf.content


def _token_of(officers: Container, ids: list[str]) -> str:
    with officers.sessions() as session:
        issued, kind = session.execute(select(IssuedDocument, Document.kind).join(Document)
                                       .where(Document.id == ids[0])).one()
        return tokens.mint(officers.pki, issued.token_id, kind)


