"""Signed PDFs of every kind: pyHanko trusts them, a flipped byte breaks them, the QR verifies."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from pipeline.documents import tokens
from pipeline.documents.pdf import render
from pipeline.documents.pki import Pki
from pipeline.documents.sign import sign_pdf, validate_pdf
from pipeline.persistence.tables import Document, Registration

BASE = "http://127.0.0.1:8000"
CHILD_NIK, NOMOR_KK, MOTHER_NIK = "3673016211269901", "3673012010159901", "3673015508959901"
CONTENT: dict[str, dict[str, Any]] = {
    "KK": {"nomor_kk": NOMOR_KK, "versi": 2, "kepala_keluarga": "AHMAD FAUZI",
           "alamat": "JL. MAULANA YUSUF NO. 9", "rt": "001", "rw": "002",
           "kode_kelurahan": "3673011001", "anggota": [
               {"nik": CHILD_NIK, "nama": "AISYAH PUTRI", "jenis_kelamin": "P",
                "tempat_lahir": "KOTA SERANG", "tanggal_lahir": "2026-11-22", "shdk": "ANAK",
                "nama_ibu": "SITI NURHALIZA", "baru": True}]},
    "AKTA_KELAHIRAN": {"nomor_akta": "3673-LU-22112026-9901", "nik_anak": CHILD_NIK,
                       "wording": "Bahwa di KOTA SERANG pada tanggal 22 November 2026 telah lahir "
                                  "AISYAH PUTRI, PEREMPUAN, anak dari seorang ibu bernama SITI."},
    "KIA": {"nik": CHILD_NIK, "nama": "AISYAH PUTRI", "nomor_kk": NOMOR_KK,
            "nomor_akta": "3673-LU-22112026-9901", "berlaku_sampai": "2031-11-22"},
    "SK_LAHIR_MATI": {"nama_ibu": "SITI NURHALIZA", "nik_ibu": MOTHER_NIK,
                      "tanggal_teks": "22 November 2026", "jenis_kelamin": "PEREMPUAN"},
}


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return Pki.load_or_create(tmp_path_factory.mktemp("pki"))


def signed(pki: Pki, kind: str, token: str) -> bytes:
    document = Document(id="doc_TEST", kind=kind, content=CONTENT[kind], number=None)
    registration = Registration(id="reg_TEST", is_synthetic=True)
    page = render(document, registration, token=token, public_base_url=BASE,
                  issued_on=datetime.now(UTC).date())
    return sign_pdf(pki, page, approved_by="Kepala Dinas (uji)")


def qr_texts(pdf: bytes, where: Path) -> list[str]:
    (where / "doc.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(where / "doc.pdf"),
                    str(where / "page")], check=True)
    image = Image.open(io.BytesIO((where / "page.png").read_bytes()))
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("kind", sorted(CONTENT))
def test_a_signed_document_is_valid_and_trusted_against_the_test_ca(pki: Pki, kind: str) -> None:
    result = validate_pdf(pki, signed(pki, kind, tokens.mint(pki, f"tok{kind[:4]}", kind)))
    assert result.valid and result.intact and result.trusted, result.summary


@pytest.mark.parametrize("kind", ["AKTA_KELAHIRAN", "KK"])
def test_one_flipped_byte_inside_the_signed_range_invalidates_it(pki: Pki, kind: str) -> None:
    pdf = signed(pki, kind, tokens.mint(pki, "tokFLIP", kind))
    start = pdf.index(b"stream", 200) + 20  # inside the page's content, covered by /ByteRange
    tampered = pdf[:start] + bytes([pdf[start] ^ 0x01]) + pdf[start + 1:]
    result = validate_pdf(pki, tampered)
    assert not result.valid and not result.intact


def test_a_document_signed_by_another_ca_is_not_trusted(pki: Pki, tmp_path: Path) -> None:
    stranger = Pki.load_or_create(tmp_path / "stranger")
    result = validate_pdf(pki, signed(stranger, "KIA", tokens.mint(stranger, "tokX", "KIA")))
    assert not result.trusted and not result.valid


@pytest.mark.parametrize("kind", sorted(CONTENT))
def test_the_qr_on_the_page_image_is_the_verification_url_of_a_valid_token(
        pki: Pki, kind: str, tmp_path: Path) -> None:
    token = tokens.mint(pki, f"qr{kind[:4]}", kind)
    texts = qr_texts(signed(pki, kind, token), tmp_path)
    assert texts == [f"{BASE}/verify/{token}"]
    found = texts[0].rsplit("/", 1)[1]
    check = tokens.check(pki, found)
    assert check.valid and check.token_id == f"qr{kind[:4]}" and check.kind == kind
    for nik in (CHILD_NIK, NOMOR_KK, MOTHER_NIK):
        assert nik not in texts[0]
    assert not re.search(r"\d{16}", texts[0])


def test_a_preview_has_no_qr_and_says_it_is_not_valid(pki: Pki, tmp_path: Path) -> None:
    page = render(Document(id="d", kind="AKTA_KELAHIRAN", content=CONTENT["AKTA_KELAHIRAN"]),
                  Registration(id="r", is_synthetic=True), token=None, public_base_url=BASE)
    assert qr_texts(page, tmp_path) == []
    assert b"PRATINJAU" in page
