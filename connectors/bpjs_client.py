"""Our BPJS Kesehatan bridge client: signed requests, decrypted answers (domain.md 5.4-5.5)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import httpx
import structlog
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from connectors.http import AsyncHttp
from connectors.lzstring import decompress_from_encoded_uri_component
from pipeline.domain.errors import RegistryRejected, TransientError
from pipeline.logging import mask_nik

log = structlog.get_logger(__name__)

EnrolmentState = Literal["ENROLLED", "AWAITING_PAYMENT", "NOT_A_MEMBER"]
NOT_FOUND = "201"  # the bridge's "not found" code; for an enrolment: the mother is no participant
REGISTRATION_DAYS = 28  # Perpres 82/2018 Pasal 16 (domain.md 5.1)


@dataclass(frozen=True)
class EnrolmentResult:
    state: EnrolmentState
    card_number: str | None
    segment: str | None
    class_: int | None
    amount_due: int
    deadline: date
    message: str


def signature(cons_id: str, secret: str, timestamp: str) -> str:
    """base64(HMAC-SHA256(secret, consId + "&" + ts)) (domain.md 5.5 step 1)."""
    digest = hmac.new(secret.encode(), f"{cons_id}&{timestamp}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def decrypt(cipher_text: str, cons_id: str, secret: str, timestamp: str) -> Any:
    """base64 -> AES-256-CBC (key SHA-256(consId+secret+ts), iv key[:16]) -> unpad -> LZ -> JSON."""
    key = hashlib.sha256(f"{cons_id}{secret}{timestamp}".encode()).digest()
    try:
        decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
        padded = (
            decryptor.update(base64.b64decode(cipher_text, validate=True)) + decryptor.finalize()
        )
        unpadder = padding.PKCS7(128).unpadder()
        compressed = (unpadder.update(padded) + unpadder.finalize()).decode("ascii")
        text = decompress_from_encoded_uri_component(compressed)
        return json.loads(text)
    # a wrong key may still unpad (1 in 256) and then break the decompressor in odd ways
    except (ValueError, TypeError, IndexError, KeyError, AttributeError) as exc:
        raise ValueError("BPJS response does not decrypt with this request's key") from exc


class _Bridge:
    """Signing and reading shared by the async and the blocking client."""

    def __init__(self, cons_id: str, secret: str, user_key: str,
                 clock: Callable[[], float]) -> None:
        self.cons_id, self._secret, self._user_key, self._clock = cons_id, secret, user_key, clock

    def headers(self, timestamp: str | None = None) -> dict[str, str]:
        """Fresh bridge headers; the same timestamp later derives this answer's decryption key."""
        ts = timestamp or str(int(self._clock()))
        return {
            "X-cons-id": self.cons_id,
            "X-timestamp": ts,
            "X-signature": signature(self.cons_id, self._secret, ts),
            "user_key": self._user_key,
        }

    def prepare(self, body: Any, extra: Mapping[str, str] | None) -> tuple[dict[str, str],
                                                                          bytes | None]:
        headers = {**self.headers(), **(extra or {})}
        content = None
        if body is not None:  # dates and the like as ISO strings
            content = json.dumps(body, default=str).encode()
            headers["Content-Type"] = "application/json"
        return headers, content

    def read(self, method: str, path: str, status: int, payload: Any,
             headers: Mapping[str, str]) -> _Reply:
        if status >= 500 or status == 429:
            raise TransientError(f"BPJS {method} {_route(path)}: HTTP {status}")
        reply = _envelope(status, payload)
        if reply.code.startswith("5"):
            raise TransientError(f"BPJS {method} {_route(path)}: metaData {reply.code}")
        if reply.code == "200" and isinstance(reply.response, str):
            try:
                reply.response = decrypt(
                    reply.response, self.cons_id, self._secret, headers["X-timestamp"]
                )
            except ValueError as exc:
                raise RegistryRejected("DECRYPT_FAILED", str(exc), http_status=status) from exc
        return reply


def _enrol_body(request: Mapping[str, Any]) -> dict[str, Any]:
    return dict(request) if "request" in request else {"request": dict(request)}


def _enrolment_of(key: str, fields: Mapping[str, Any], reply: _Reply) -> EnrolmentResult:
    if reply.code == NOT_FOUND:  # the mother is no participant: an outcome, not an error
        deadline = _birth(fields) + timedelta(days=REGISTRATION_DAYS)
        result = EnrolmentResult("NOT_A_MEMBER", None, None, None, 0, deadline, reply.message)
    else:
        result = _enrolment(reply.ok()["peserta"], reply.message)
    log.debug("bpjs_enrolment_answered", idempotency_key=key, state=result.state,
              nik_bayi=mask_nik(str(fields.get("nikBayi", ""))))
    return result


class AsyncBpjsHttpClient(_Bridge):
    """The workers' client: pooled keep-alive connections, a timeout per call, no thread hop."""

    def __init__(self, base_url: str, cons_id: str, secret: str, user_key: str,
                 timeout: float = 5.0, *, clock: Callable[[], float] = time.time,
                 max_connections: int = 256) -> None:
        super().__init__(cons_id, secret, user_key, clock)
        self._http = AsyncHttp(str(base_url), timeout=timeout, max_connections=max_connections,
                               label="BPJS")

    async def enrol_newborn(self, key: str, request: Mapping[str, Any]) -> EnrolmentResult:
        """Enrol a baby (idempotent on `key`: after a timeout, resend the same key and body)."""
        body = _enrol_body(request)
        reply = await self._call("POST", "/jkn/Peserta/bayi", body=body,
                                 extra={"X-Idempotency-Key": key})
        return _enrolment_of(key, body["request"], reply)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _call(self, method: str, path: str, *, body: Any = None,
                    extra: Mapping[str, str] | None = None) -> _Reply:
        headers, content = self.prepare(body, extra)
        try:
            answer = await self._http.request(method, path, content=content, headers=headers)
        except TransientError as exc:  # the path may carry a NIK: never let one reach a log
            raise TransientError(mask_nik(str(exc))) from exc.__cause__
        return self.read(method, path, answer.status, answer.json(), headers)


class BpjsHttpClient(_Bridge):
    """Blocking twin of AsyncBpjsHttpClient, for tools and tests."""

    def __init__(
        self,
        base_url: str,
        cons_id: str,
        secret: str,
        user_key: str,
        timeout: float = 5.0,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(cons_id, secret, user_key, clock)
        self._http = httpx.Client(base_url=str(base_url).rstrip("/"), timeout=timeout)

    def participant_by_nik(self, nik: str, on_date: date) -> dict[str, Any] | None:
        """VClaim `Peserta/nik/{nik}/tglSEP/{date}`: the `peserta` object, None when not found."""
        reply = self._call("GET", f"/jkn/Peserta/nik/{nik}/tglSEP/{on_date:%Y-%m-%d}")
        if reply.code == NOT_FOUND:
            return None
        return dict(reply.ok()["peserta"])

    def enrol_newborn(self, key: str, request: Mapping[str, Any]) -> EnrolmentResult:
        """Enrol a baby; `request` holds the bridge fields (nikIbu, nikBayi, ...), wrapped here.

        Idempotent on `key`: after a timeout, resend the same key and body.
        """
        body = _enrol_body(request)
        reply = self._call("POST", "/jkn/Peserta/bayi", body=body, extra={"X-Idempotency-Key": key})
        return _enrolment_of(key, body["request"], reply)

    def ledger(self) -> list[dict[str, Any]]:
        """The simulator's applied effects (`/_sim/ledger`); not part of the real bridge."""
        try:
            answer = self._http.get("/_sim/ledger")
        except httpx.TransportError as exc:
            raise TransientError(f"BPJS simulator unreachable: {type(exc).__name__}") from exc
        answer.raise_for_status()
        return list(answer.json()["effects"])

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BpjsHttpClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _call(
        self, method: str, path: str, *, body: Any = None, extra: Mapping[str, str] | None = None
    ) -> _Reply:
        headers, content = self.prepare(body, extra)
        try:
            answer = self._http.request(method, path, content=content, headers=headers)
        except httpx.TransportError as exc:  # timeouts, refused or reset connections
            raise TransientError(f"BPJS {method} {_route(path)}: {type(exc).__name__}") from exc
        try:
            payload = answer.json()
        except ValueError:
            payload = None
        return self.read(method, path, answer.status_code, payload, headers)


@dataclass
class _Reply:
    code: str  # metaData.code, always compared as a string
    message: str
    response: Any
    http_status: int

    def ok(self) -> Mapping[str, Any]:
        """The decrypted response of a "200", else the registry's refusal."""
        if self.code != "200" or not isinstance(self.response, Mapping):
            raise RegistryRejected(self.code, self.message, http_status=self.http_status)
        return self.response


def _envelope(status: int, body: Any) -> _Reply:
    """VClaim says `metaData`, Antrean `metadata` (domain.md 5.4)."""
    try:
        meta = body.get("metaData") or body.get("metadata")
        code, message = str(meta["code"]), str(meta.get("message", ""))
        return _Reply(code, message, body.get("response"), status)
    except (AttributeError, KeyError, TypeError):
        raise RegistryRejected(str(status), "answer is not a bridge envelope",
                               http_status=status) from None


def _enrolment(peserta: Mapping[str, Any], message: str) -> EnrolmentResult:
    kelas = (peserta.get("hakKelas") or {}).get("kode")
    return EnrolmentResult(
        state=peserta["status"],
        card_number=peserta.get("noKartu"),
        segment=peserta.get("segmen"),
        class_=int(kelas) if kelas else None,
        amount_due=int(peserta.get("iuran") or 0),
        deadline=date.fromisoformat(peserta["batasPendaftaran"]),
        message=str(peserta.get("keterangan") or message),
    )


def _birth(fields: Mapping[str, Any]) -> date:
    return date.fromisoformat(str(fields["tglLahir"]))


def _route(path: str) -> str:
    return mask_nik(path)  # a path may carry a NIK: never let one reach an exception or a log
