"""Our LZ-string decompressor gives exactly what the reference package gives."""

from __future__ import annotations

import json
import random

import pytest
from lzstring import LZString  # type: ignore[import-untyped]  # the package has no types

from connectors.lzstring import decompress_from_encoded_uri_component

ALPHABETS = ["abc", "0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ ", "ÀÉÎõüßñ€☃ 雪", "{}\":,[]ab1"]


def samples() -> list[str]:
    rng = random.Random(2026)
    texts = ["", "a", "aaaaaaaaaaaaaaaaaaaaaaaa", json.dumps({"peserta": {"noKartu": "0009990001",
                                                                        "nama": "BAYI NY. SITI"}})]
    for alphabet in ALPHABETS:
        for length in (1, 2, 5, 40, 300, 3000):
            texts.append("".join(rng.choice(alphabet) for _ in range(length)))
    return texts


@pytest.mark.parametrize("text", samples())
def test_it_reads_what_the_reference_compressor_wrote(text: str) -> None:
    packed = LZString().compressToEncodedURIComponent(text)
    assert decompress_from_encoded_uri_component(packed) == text
    assert decompress_from_encoded_uri_component(packed) == (
        LZString().decompressFromEncodedURIComponent(packed) or "")


def test_a_truncated_stream_is_refused() -> None:
    packed = LZString().compressToEncodedURIComponent("x" * 500 + "yz" * 100)
    with pytest.raises(ValueError):
        decompress_from_encoded_uri_component(packed[: len(packed) // 2])


def test_a_character_outside_the_alphabet_is_refused() -> None:
    with pytest.raises(ValueError):
        decompress_from_encoded_uri_component("abc*def")
