"""Bridge conventions: consumer headers, metaData envelope, JSON or form bodies (domain.md 5.4)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from fastapi.responses import JSONResponse

from simulators.bpjs import crypto


class BridgeError(Exception):
    """Answered as `{"metaData": {"code", "message"}, "response": null}` with `http_status`."""

    def __init__(self, code: str, message: str, http_status: int = 200) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.http_status = code, message, http_status


@dataclass(frozen=True)
class Consumer:
    cons_id: str
    secret: str
    timestamp: str  # the request's exact X-timestamp: it keys this answer's encryption

    def encrypted(self, payload: Any, message: str = "OK") -> JSONResponse:
        cipher_text = crypto.encrypt(payload, self.cons_id, self.secret, self.timestamp)
        return envelope("200", message, cipher_text)


class ConsumerAuth:
    """Checks X-cons-id, X-timestamp, X-signature and user_key (header names case-insensitive)."""

    def __init__(
        self,
        consumers: Mapping[str, tuple[str, str]],
        tolerance_s: int,
        clock: Callable[[], datetime],
    ) -> None:
        self.consumers, self.tolerance_s, self.clock = dict(consumers), tolerance_s, clock

    def check(self, headers: Mapping[str, str]) -> Consumer:
        cons_id, ts = headers.get("x-cons-id"), headers.get("x-timestamp")
        claimed, user_key = headers.get("x-signature"), headers.get("user_key")
        if not (cons_id and ts and claimed and user_key):
            raise _unauthorized(
                "Header X-cons-id, X-timestamp, X-signature dan user_key wajib diisi"
            )
        known = self.consumers.get(cons_id)
        if known is None:
            raise _unauthorized("Consumer ID tidak dikenal")
        secret, expected_user_key = known
        if not ts.isdigit():
            raise _unauthorized("X-timestamp harus detik Unix (UTC)")
        if abs(self.clock().timestamp() - int(ts)) > self.tolerance_s:
            raise _unauthorized("X-timestamp di luar toleransi waktu server")
        if not crypto.signature_matches(cons_id, secret, ts, claimed):
            raise _unauthorized("Signature tidak valid")
        if user_key != expected_user_key:
            raise _unauthorized("user_key tidak valid")
        return Consumer(cons_id, secret, ts)


def envelope(code: str, message: str, response: Any = None, http_status: int = 200) -> JSONResponse:
    return JSONResponse(
        {"metaData": {"code": code, "message": message}, "response": response},
        status_code=http_status,
    )


def parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    """JSON under any content type; form-encoded: raw JSON string, quoted, or as a field value."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BridgeError("400", "Body harus UTF-8", 400) from None
    candidates = [text]
    if "x-www-form-urlencoded" in content_type.lower():
        pairs = parse_qsl(text, keep_blank_values=True)
        candidates += [unquote_plus(text), *(v for _, v in pairs), *(k for k, v in pairs if not v)]
    for candidate in candidates:
        try:
            parsed = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(parsed, dict):
            return parsed
    raise BridgeError("400", "Body harus berupa objek JSON", 400)


def _unauthorized(message: str) -> BridgeError:
    return BridgeError("401", message, 401)
