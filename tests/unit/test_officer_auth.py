"""The officer UI guards: sign-in, CSRF, roles, jurisdiction, audit of every view."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from pipeline.bootstrap import Container
from pipeline.config import Settings
from pipeline.persistence.migrate import upgrade
from pipeline.persistence.tables import AuditEntry, Document, Registration
from pipeline.web.app import create_app
from tests.builders import a_birth_report

PASSWORD = "unit-test-officer-pw"
BORN = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
def container(tmp_path: Path) -> Container:
    url = f"sqlite:///{tmp_path / 'officer.db'}"
    upgrade(url, officer_password=PASSWORD)
    container = Container(Settings(database_url=url, officer_login_max_failures=3))
    with container.uow() as uow:
        for dinas, serial in (("3673", 1), ("3604", 2)):
            add_birth(uow.session, dinas, serial)
        uow.commit()
    return container


def add_birth(session: object, dinas: str, serial: int) -> None:
    reg_id = f"reg_unit{serial}"
    session.add(Registration(  # type: ignore[attr-defined]
        id=reg_id, facility_code="RSUDSRG", notification_id=f"N-{serial}", body_sha256="0" * 64,
        report=a_birth_report(), mother_index=f"idx{serial}", born_at=BORN, birth_order=serial,
        live_birth=True, status="AWAITING_APPROVAL", received_at=BORN, updated_at=BORN,
        problems=[], dinas_code=dinas, child_nik=f"{dinas}01200126990{serial}",
        nomor_kk=f"{dinas}010101109900"))
    session.flush()  # type: ignore[attr-defined]
    session.add(Document(  # type: ignore[attr-defined]
        id=f"doc_akta_{dinas}", registration_id=reg_id, kind="AKTA_KELAHIRAN",
        state="AWAITING_APPROVAL", number=f"{dinas}-LU-20112026-0001",
        content={"nama_anak": "BAYI UJI", "tanggal_lahir": "2026-11-20"},
        created_at=BORN - timedelta(hours=1)))


@pytest.fixture
async def client(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
        yield c


async def sign_in(client: httpx.AsyncClient, username: str,
                  password: str = PASSWORD) -> httpx.Response:
    form = await client.get("/officer/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, form.text
    return await client.post("/officer/login", data={
        "username": username, "password": password, "csrf_token": token.group(1)})


async def csrf_of(client: httpx.AsyncClient, path: str = "/officer/") -> str:
    page = await client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


def audit_count(container: Container) -> int:
    with container.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


async def test_an_officer_signs_in_with_the_right_password(client: httpx.AsyncClient) -> None:
    answer = await sign_in(client, "official.serang")
    assert answer.status_code == 303 and answer.headers["location"] == "/officer/"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" in cookie
    queue = await client.get("/officer/")
    assert queue.status_code == 200 and "3673-LU-20112026-0001" in queue.text


async def test_a_wrong_password_is_refused_and_repeated_failures_lock(
        client: httpx.AsyncClient) -> None:
    for _ in range(3):
        assert (await sign_in(client, "official.serang", "wrong-password!")).status_code == 401
    assert (await sign_in(client, "official.serang")).status_code == 429  # locked now
    assert (await client.get("/officer/")).status_code == 303  # still signed out


async def test_a_post_without_the_csrf_token_is_forbidden(client: httpx.AsyncClient) -> None:
    await sign_in(client, "official.serang")
    answer = await client.post("/officer/documents/doc_akta_3673/reject",
                               data={"reason": "foto tidak jelas"})
    assert answer.status_code == 403
    login = await client.post("/officer/login", data={"username": "official.serang",
                                                      "password": PASSWORD})
    assert login.status_code == 403


async def test_an_operator_cannot_approve(client: httpx.AsyncClient) -> None:
    await sign_in(client, "operator.serang")
    token = await csrf_of(client)
    answer = await client.post("/officer/documents/doc_akta_3673/approve",
                               data={"csrf_token": token})
    assert answer.status_code == 403
    verified = await client.post("/officer/documents/doc_akta_3673/verify",
                                 data={"csrf_token": token})
    assert verified.status_code == 303
    assert "Terverifikasi oleh operator.serang" in (await client.get(
        "/officer/documents/doc_akta_3673")).text


async def test_an_officer_of_another_dinas_gets_404(client: httpx.AsyncClient) -> None:
    await sign_in(client, "official.kabserang")
    assert (await client.get("/officer/documents/doc_akta_3673")).status_code == 404
    assert (await client.get("/officer/documents/doc_akta_3673/preview.pdf")).status_code == 404
    token = await csrf_of(client)
    bulk = await client.post("/officer/bulk", data={
        "csrf_token": token, "action": "reject", "reason": "bukan wilayah kami",
        "document_id": ["doc_akta_3604", "doc_akta_3673"]})
    assert bulk.status_code == 404
    queue = (await client.get("/officer/")).text
    assert "3604-LU-20112026-0001" in queue and "3673-LU-20112026-0001" not in queue


async def test_every_view_writes_an_audit_entry(client: httpx.AsyncClient,
                                                container: Container) -> None:
    await sign_in(client, "official.serang")
    for path in ("/officer/", "/officer/documents/doc_akta_3673",
                 "/officer/?kind=KK&older_than_hours=&facility=RSUDSRG",
                 "/officer/bulk?action=approve"):
        before = audit_count(container)
        assert (await client.get(path)).status_code == 200
        assert audit_count(container) == before + 1, path


async def test_only_an_admin_reads_the_audit_log_and_it_verifies(
        client: httpx.AsyncClient) -> None:
    await sign_in(client, "official.serang")
    assert (await client.get("/officer/audit")).status_code == 403
    client.cookies.clear()
    await sign_in(client, "admin.serang")
    page = await client.get("/officer/audit")
    assert page.status_code == 200 and "hash chain verifies" in page.text
    assert (await client.get("/officer/")).status_code == 403


async def test_only_an_official_revokes_and_only_an_issued_document(
        client: httpx.AsyncClient) -> None:
    await sign_in(client, "operator.serang")
    token = await csrf_of(client)
    refused = await client.post("/officer/documents/doc_akta_3673/revoke",
                                data={"csrf_token": token, "reason": "data keliru"})
    assert refused.status_code == 403
    await client.post("/officer/logout", data={"csrf_token": token})
    await sign_in(client, "official.serang")
    token = await csrf_of(client)
    not_issued = await client.post("/officer/documents/doc_akta_3673/revoke",
                                   data={"csrf_token": token, "reason": "data keliru"})
    assert not_issued.status_code == 409  # a draft is rejected, not revoked
