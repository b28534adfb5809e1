"""BPJS bridging signature and response encryption, government side (domain.md 5.5)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from lzstring import LZString  # type: ignore[import-untyped]

BLOCK_BITS = 128


def signature(cons_id: str, secret: str, timestamp: str) -> str:
    """base64(HMAC-SHA256(key=secret, msg=consId + "&" + ts)), standard alphabet, padded."""
    message = f"{cons_id}&{timestamp}".encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def signature_matches(cons_id: str, secret: str, timestamp: str, claimed: str) -> bool:
    return hmac.compare_digest(signature(cons_id, secret, timestamp), claimed)


def key_and_iv(cons_id: str, secret: str, timestamp: str) -> tuple[bytes, bytes]:
    """AES-256 key = SHA-256(consId + secret + ts) of the request's exact ts; iv = key[:16]."""
    key = hashlib.sha256(f"{cons_id}{secret}{timestamp}".encode()).digest()
    return key, key[:16]


def encrypt(payload: Any, cons_id: str, secret: str, timestamp: str) -> str:
    """JSON -> LZString (URI component) -> PKCS#7 -> AES-256-CBC -> base64: the `response` field."""
    # ASCII-only JSON: lzstring 1.0.4 loses characters outside the BMP; \u escapes survive.
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    compressed = LZString().compressToEncodedURIComponent(text).encode("ascii")
    padder = padding.PKCS7(BLOCK_BITS).padder()
    padded = padder.update(compressed) + padder.finalize()
    key, iv = key_and_iv(cons_id, secret, timestamp)
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode("ascii")
