"""Identifiers Lahir mints itself: sortable, unguessable registration and document ids."""

from __future__ import annotations

import os
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32, as ULID


def new_id(prefix: str) -> str:
    """`<prefix>_` + 26-character ULID: time-ordered, 80 random bits."""
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        value, rest = divmod(value, 32)
        chars.append(_ALPHABET[rest])
    return f"{prefix}_{''.join(reversed(chars))}"
