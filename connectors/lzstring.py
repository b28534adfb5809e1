"""LZ-string's decompressFromEncodedURIComponent (the BPJS bridge's compression, domain.md 5.5).

The `lzstring` package reads the stream one bit at a time through a lambda per bit; profiled
in the worker it was 8.5% of our CPU per birth. This reads the same bit stream from one string
of '0'/'1' with slices, giving identical output (tests/unit/test_lzstring.py compares them)."""

from __future__ import annotations

URI_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$"
_BITS = {char: format(n, "06b") for n, char in enumerate(URI_SAFE)}


class _Bits:
    """The input's 6-bit values MSB first; a read of n bits puts the first one lowest."""

    def __init__(self, text: str) -> None:
        try:
            self.stream = "".join([_BITS[char] for char in text.replace(" ", "+")])
        except KeyError as exc:
            raise ValueError("not LZ-string URI-safe text") from exc
        self.pos = 0

    def read(self, n: int) -> int:
        end = self.pos + n
        if end > len(self.stream):
            raise ValueError("LZ-string stream ended without its end marker")
        chunk, self.pos = self.stream[self.pos:end], end
        return int(chunk[::-1], 2)


def decompress_from_encoded_uri_component(text: str) -> str:
    if not text:
        return ""
    bits = _Bits(text)
    first = _literal(bits, bits.read(2))
    if first is None:
        return ""
    words: list[str] = ["", "", "", first]  # codes 0-2 are the literal and end markers
    num_bits, enlarge_in, w, out = 3, 4, first, [first]
    while True:
        code = bits.read(num_bits)
        if code == 2:
            return "".join(out)
        if code < 2:
            literal = _literal(bits, code)
            assert literal is not None
            words.append(literal)
            code, enlarge_in = len(words) - 1, enlarge_in - 1
            if enlarge_in == 0:
                enlarge_in, num_bits = 1 << num_bits, num_bits + 1
        if code < len(words):
            entry = words[code]
        elif code == len(words):
            entry = w + w[0]
        else:
            raise ValueError("LZ-string code beyond the dictionary")
        out.append(entry)
        words.append(w + entry[0])
        enlarge_in, w = enlarge_in - 1, entry
        if enlarge_in == 0:
            enlarge_in, num_bits = 1 << num_bits, num_bits + 1


def _literal(bits: _Bits, code: int) -> str | None:
    """Code 0: an 8-bit character follows; 1: a 16-bit one; 2: the end."""
    if code == 2:
        return None
    return chr(bits.read(8 if code == 0 else 16))
