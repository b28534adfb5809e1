"""The QR's short signed token: `<kid>.<payload>.<signature>`, Ed25519, no NIK or name inside."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import date, datetime

from cryptography.exceptions import InvalidSignature

from pipeline.documents.pki import Pki
from pipeline.domain.clock import WIB

KIND_CODES = {"KK": "KK", "AKTA_KELAHIRAN": "AL", "KIA": "KIA", "SK_LAHIR_MATI": "LM"}
KINDS = {code: kind for kind, code in KIND_CODES.items()}
MAX_LENGTH = 400
SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,16}\.[A-Za-z0-9_-]{1,200}\.[A-Za-z0-9_-]{86}$")


@dataclass(frozen=True)
class TokenCheck:
    valid: bool
    token_id: str | None = None
    kind: str | None = None  # KK, AKTA_KELAHIRAN, KIA, SK_LAHIR_MATI
    issued_on: date | None = None
    reason: str = ""


def mint(pki: Pki, token_id: str, kind: str, issued_on: date | None = None) -> str:
    """Only the token id, the kind's code and the issue date: the QR says nothing personal."""
    day = (issued_on or datetime.now(WIB).date()).strftime("%Y%m%d")
    payload = json.dumps({"t": token_id, "k": KIND_CODES[kind], "d": day},
                         separators=(",", ":")).encode()
    signed = f"{pki.kid}.{_b64(payload)}"
    return f"{signed}.{_b64(pki.qr_key.sign(signed.encode()))}"


def check(pki: Pki, token: str) -> TokenCheck:
    """Never raises: forged, altered, truncated or garbage tokens are simply invalid."""
    try:
        return _check(pki, token)
    except Exception:  # noqa: BLE001 - any surprise in untrusted input means "invalid"
        return TokenCheck(False, reason="MALFORMED")


def _check(pki: Pki, token: str) -> TokenCheck:
    if not isinstance(token, str) or len(token) > MAX_LENGTH or not SHAPE.match(token):
        return TokenCheck(False, reason="MALFORMED")
    kid, payload_b64, signature_b64 = token.split(".")
    public = pki.qr_public_keys.get(kid)
    if public is None:
        return TokenCheck(False, reason="UNKNOWN_KEY")
    try:
        public.verify(_unb64(signature_b64), f"{kid}.{payload_b64}".encode())
    except (InvalidSignature, ValueError, binascii.Error):
        return TokenCheck(False, reason="BAD_SIGNATURE")
    payload = json.loads(_unb64(payload_b64))
    token_id, code, day = payload.get("t"), payload.get("k"), payload.get("d")
    if not (isinstance(token_id, str) and code in KINDS and isinstance(day, str)):
        return TokenCheck(False, reason="MALFORMED")
    issued_on = datetime.strptime(day, "%Y%m%d").date()  # noqa: DTZ007 - a date, no time
    return TokenCheck(True, token_id, KINDS[code], issued_on)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
