"""BPJS signature and encryption: the simulator's side against our client's own implementation."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable

import pytest

from connectors import bpjs_client
from simulators.bpjs import crypto

CONS_ID, SECRET, TS = "9901", "lahir-dev-bpjs-secret", "1790000000"
PAYLOAD = {
    "peserta": {
        "noKartu": "9900000000123",
        "nama": "Bayi Ny. Rabi'ah Nurhaliza",
        "catatan": "Ä ö — 日本語 😀",
        "iuran": 42000,
        "nested": [1, None, True],
    }
}


def test_hmac_matches_the_official_test_vector() -> None:
    digest = hmac.new(b"bbb", b"aaa", hashlib.sha256).digest()
    assert base64.b64encode(digest).decode() == "20BKS3PWnD3XU4JbSSZvVlGi2WWnDa8Sv9uHJ+wsELA="


@pytest.mark.parametrize("sign", [crypto.signature, bpjs_client.signature])
def test_signature_of_the_docs_example_is_hmac_of_consid_and_timestamp(
    sign: Callable[[str, str, str], str],
) -> None:
    assert sign("1234", "pwd", "433223232") == "eXMtvX2r7e7CLCIu3kpEpCrvciZgK8FuOhKv06NDAHk="


def test_simulator_encryption_decrypts_with_the_client_including_non_ascii() -> None:
    cipher_text = crypto.encrypt(PAYLOAD, CONS_ID, SECRET, TS)
    assert bpjs_client.decrypt(cipher_text, CONS_ID, SECRET, TS) == PAYLOAD


def test_ciphertext_is_padded_to_whole_aes_blocks() -> None:
    for payload in ({}, {"a": "x" * 15}, PAYLOAD, {"long": "y" * 1000}):
        raw = base64.b64decode(crypto.encrypt(payload, CONS_ID, SECRET, TS), validate=True)
        assert len(raw) % 16 == 0 and len(raw) > 0


def test_key_is_sha256_of_consid_secret_and_timestamp_with_iv_its_first_half() -> None:
    key, iv = crypto.key_and_iv("1234", "pwd", "433223232")
    assert key == hashlib.sha256(b"1234pwd433223232").digest() and iv == key[:16]


def test_a_neighbouring_timestamp_gives_a_key_that_does_not_decrypt() -> None:
    cipher_text = crypto.encrypt(PAYLOAD, CONS_ID, SECRET, TS)
    with pytest.raises(ValueError, match="does not decrypt"):
        bpjs_client.decrypt(cipher_text, CONS_ID, SECRET, str(int(TS) + 1))


def test_a_wrong_secret_does_not_decrypt() -> None:
    cipher_text = crypto.encrypt(PAYLOAD, CONS_ID, SECRET, TS)
    with pytest.raises(ValueError):
        bpjs_client.decrypt(cipher_text, CONS_ID, "another-secret", TS)
