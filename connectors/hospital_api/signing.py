"""Request signing of the hospital API (contract.md 2.1), shared by the server and our client."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Mapping

NONCE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
HEADERS = ("X-Facility-Id", "X-Timestamp", "X-Nonce", "X-Signature")


def canonical(method: str, path_with_query: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join([method.upper(), path_with_query, timestamp, nonce, digest]).encode()


def signature(secret: str, message: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def sign_headers(
    facility_id: str, secret: str, method: str, path_with_query: str, body: bytes = b"",
    *, now: float | None = None, nonce: str | None = None,
) -> dict[str, str]:
    ts = str(int(time.time() if now is None else now))
    nonce = nonce or secrets.token_urlsafe(18)
    sig = signature(secret, canonical(method, path_with_query, ts, nonce, body))
    return {"X-Facility-Id": facility_id, "X-Timestamp": ts, "X-Nonce": nonce, "X-Signature": sig}


def verify(
    headers: Mapping[str, str], secrets_: list[str], method: str, path_with_query: str,
    body: bytes, *, now: float, window_s: int = 300,
) -> str | None:
    """None when the signature holds for one of the facility's active secrets, else the reason."""
    ts, nonce, sig = (headers.get(h.lower()) or headers.get(h) for h in HEADERS[1:])
    if not (ts and nonce and sig):
        return "missing signature headers"
    if not ts.isdigit() or abs(now - int(ts)) > window_s:
        return "timestamp outside the accepted window"
    if not NONCE_PATTERN.match(nonce):
        return "nonce must be 16-64 characters [A-Za-z0-9_-]"
    message = canonical(method, path_with_query, ts, nonce, body)
    if any(hmac.compare_digest(signature(s, message), sig) for s in secrets_):
        return None
    return "signature does not match"
