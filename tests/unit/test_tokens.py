"""The QR token: genuine ones check out; forged, altered or garbage ones are invalid, no errors."""

from __future__ import annotations

import base64
import json
import multiprocessing
from pathlib import Path

import pytest

from pipeline.documents import tokens
from pipeline.documents.pki import Pki


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return Pki.load_or_create(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def other_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return Pki.load_or_create(tmp_path_factory.mktemp("other-pki"))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_minted_token_checks_out_with_its_id_kind_and_date(pki: Pki) -> None:
    token = tokens.mint(pki, "tok-123", "AKTA_KELAHIRAN")
    result = tokens.check(pki, token)
    assert result.valid and result.token_id == "tok-123" and result.kind == "AKTA_KELAHIRAN"
    assert result.issued_on is not None


def test_the_token_carries_only_the_id_the_kind_code_and_the_date(pki: Pki) -> None:
    payload = tokens.mint(pki, "tok-123", "KIA").split(".")[1]
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(decoded) == {"t", "k", "d"}


def test_a_token_signed_by_another_key_with_the_same_kid_is_forged(pki: Pki,
                                                                   other_pki: Pki) -> None:
    forged = tokens.mint(other_pki, "tok-123", "KK").split(".")
    result = tokens.check(pki, ".".join([pki.kid, *forged[1:]]))
    assert not result.valid and result.reason == "BAD_SIGNATURE"


def test_a_token_of_an_unknown_key_id_is_invalid(pki: Pki, other_pki: Pki) -> None:
    result = tokens.check(pki, tokens.mint(other_pki, "tok-123", "KK"))
    assert not result.valid and result.reason == "UNKNOWN_KEY"


def test_an_altered_payload_breaks_the_signature(pki: Pki) -> None:
    kid, _, signature = tokens.mint(pki, "tok-123", "KK").split(".")
    payload = _b64(json.dumps({"t": "tok-999", "k": "KK", "d": "20260101"}).encode())
    assert not tokens.check(pki, f"{kid}.{payload}.{signature}").valid


def test_an_altered_signature_is_invalid(pki: Pki) -> None:
    kid, payload, signature = tokens.mint(pki, "tok-123", "KK").split(".")
    flipped = ("A" if signature[10] != "A" else "B")
    assert not tokens.check(pki, f"{kid}.{payload}.{signature[:10]}{flipped}"
                                 f"{signature[11:]}").valid


@pytest.mark.parametrize("garbage", [
    "", ".", "..", "...", "a.b.c", "x" * 5000, "ñ.ñ.ñ", "../../etc/passwd", "%00", "\x00\x01",
    "<script>alert(1)</script>", "a.b", "a.b.c.d", "=.=.=", " " * 10, "null", "🙂.🙂.🙂",
    "AAAA." + "A" * 199 + "." + "A" * 86,
])
def test_garbage_is_invalid_and_never_raises(pki: Pki, garbage: str) -> None:
    assert tokens.check(pki, garbage).valid is False


def test_a_truncated_token_is_invalid(pki: Pki) -> None:
    token = tokens.mint(pki, "tok-123", "KK")
    for cut in (1, 10, 40, len(token) // 2, len(token) - 1):
        assert not tokens.check(pki, token[:cut]).valid


def test_the_pki_is_kept_across_loads_and_its_keys_are_private(tmp_path: Path) -> None:
    first, second = Pki.load_or_create(tmp_path), Pki.load_or_create(tmp_path)
    assert first.kid == second.kid
    assert first.root_cert.serial_number == second.root_cert.serial_number
    for name in ("root.key.pem", "signer.key.pem", "qr.key.pem"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600


def _kid_of(directory: str) -> str:
    return Pki.load_or_create(Path(directory)).kid


def test_processes_starting_at_once_share_one_ca(tmp_path: Path) -> None:
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        kids = pool.map(_kid_of, [str(tmp_path)] * 8)
    assert len(set(kids)) == 1 and kids[0] == Pki.load_or_create(tmp_path).kid
