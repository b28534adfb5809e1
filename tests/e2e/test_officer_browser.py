"""An officer works the queue in real Chromium: approve one birth, reject another, check the QR."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

from connectors.hospital_client import HospitalClient
from tests.e2e.conftest import FACILITY, SECRET, RunningStack, reports_for
from tests.e2e.flows import post_and_follow

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
SHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "lahir-dev-2026"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
T = TypeVar("T")
REASON = "Nama ayah pada laporan berbeda dengan buku nikah"


@pytest.fixture(scope="module")
def stack_overrides(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return {"PKI_DIR": str(tmp_path_factory.mktemp("pki"))}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def documents_of(view: dict[str, Any]) -> dict[str, str]:
    return {d["kind"]: d["document_id"] for d in view["documents"]}


def sign_in(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context(base_url=base, viewport={"width": 1600, "height": 900},
                               accept_downloads=True).new_page()
    page.goto("/officer/")
    assert page.url.endswith("/officer/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url("**/officer/")
    assert "Antrean kerja" in page.content()
    return page


def decide(page: Page, document_id: str, button: str, reason: str = "") -> None:
    page.goto(f"/officer/documents/{document_id}")
    if reason:
        page.fill("textarea[name=reason]", reason)
    page.click(button)
    page.wait_for_load_state()
    assert page.url.endswith(f"/officer/documents/{document_id}"), page.content()[:2000]


def test_an_official_approves_rejects_and_the_qr_verifies(stack: RunningStack, browser: Browser,
                                                          tmp_path: Path) -> None:
    reports = reports_for(stack.mothers(2), seed=71, prefix="E2E-OFFICER")
    final = in_thread(post_and_follow(stack, reports))
    (a_id, a_view), (b_id, b_view) = sorted(final.items())
    assert a_view["status"] == b_view["status"] == "AWAITING_APPROVAL"
    a_docs, b_docs = documents_of(a_view), documents_of(b_view)
    SHOTS.mkdir(exist_ok=True)

    page = sign_in(browser, stack.api, "official.serang")
    page.select_option("select[name=kind]", "AKTA_KELAHIRAN")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**kind=AKTA_KELAHIRAN**")
    listed = page.content()
    assert a_docs["AKTA_KELAHIRAN"] in listed and a_docs["KK"] not in listed
    page.goto("/officer/")
    page.screenshot(path=str(SHOTS / "queue.png"), full_page=True)

    page.goto(f"/officer/documents/{a_docs['KK']}")
    assert page.locator("tr.new-member").count() == 1  # the newborn, marked on the new KK
    page.screenshot(path=str(SHOTS / "document.png"), full_page=True)
    preview = page.request.get(f"/officer/documents/{a_docs['KK']}/preview.pdf")
    assert preview.ok and preview.body().startswith(b"%PDF")

    for kind in ("KK", "AKTA_KELAHIRAN", "KIA"):
        decide(page, a_docs[kind], "#approve")
        assert "Diterbitkan" in page.content(), kind
    decide(page, b_docs["AKTA_KELAHIRAN"], "#reject", REASON)
    assert "Ditolak" in page.content()
    status_b = in_thread(hospital_view(stack, b_id))
    assert REASON in json.dumps(status_b), status_b

    page.goto(f"/officer/documents/{a_docs['AKTA_KELAHIRAN']}")
    with page.expect_download() as download:
        page.click("#issued-pdf")
    pdf = tmp_path / "akta.pdf"
    download.value.save_as(pdf)
    png = render_first_page(pdf, tmp_path / "akta")
    shutil.copyfile(png, SHOTS / "akta.png")
    verdict = httpx.get(f"{stack.api}/v1/verify/{qr_token(png)}", timeout=10).json()
    assert verdict["valid"] is True and verdict["status"] == "VALID", verdict
    assert verdict["document_type"] == "AKTA_KELAHIRAN"

    other = sign_in(browser, stack.api, "official.kabserang")
    assert b_docs["KK"] not in other.content()  # the queue of Kabupaten Serang: not ours
    other.goto("/officer/?state=ISSUED")
    assert a_docs["KK"] not in other.content()
    answer = other.goto(f"/officer/documents/{b_docs['KK']}")
    assert answer is not None and answer.status == 404


def in_thread(coroutine: Coroutine[Any, Any, T]) -> T:
    """Playwright's sync API keeps an event loop running here: run async clients beside it."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def hospital_view(stack: RunningStack, registration_id: str) -> dict[str, Any]:
    async with HospitalClient(stack.api, FACILITY, SECRET) as client:
        return (await client.get_birth(registration_id)).json()  # type: ignore[no-any-return]


def render_first_page(pdf: Path, prefix: Path) -> Path:
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(prefix)], check=True, timeout=60)
    return prefix.with_suffix(".png")


def qr_token(png: Path) -> str:
    found = zxingcpp.read_barcodes(Image.open(png))
    texts = [b.text for b in found if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert texts, "no QR code on the akta's first page"
    return texts[0].rstrip("/").rsplit("/", 1)[-1]
