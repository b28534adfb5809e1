"""Our HTTP clients for SIAK (the simulator, one day the real one): async for the workers,
blocking for tools and tests; one request table and one reading of the answers for both."""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from connectors.http import AsyncHttp
from pipeline.domain.errors import RegistryRejected, TransientError

NOT_FOUND_NIK = "NIK_TIDAK_DITEMUKAN"


class SiakRejected(RegistryRejected):
    """A 4xx from SIAK; `details` keeps the extra fields (current_version, kode_kabupaten, ...)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        http_status: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(code, message, http_status=http_status)
        self.details = details or {}


@dataclass(frozen=True)
class _Request:
    method: str
    path: str
    body: dict[str, Any] | None = None
    key: str | None = None
    params: dict[str, Any] | None = None

    @property
    def headers(self) -> dict[str, str] | None:
        return {"Idempotency-Key": self.key} if self.key is not None else None


def _lookup(nik: str) -> _Request:
    return _Request("POST", "/siak/v1/penduduk/cari", body={"nik": nik})


def _register_birth(key: str, body: dict[str, Any]) -> _Request:
    return _Request("POST", "/siak/v1/kelahiran", body=body, key=key)


def _reissue_kk(key: str, nomor_kk: str, nik_anak: str, nama_anak: str | None,
                expected_version: int | None) -> _Request:
    body = {"nomor_kk": nomor_kk, "nik_anak": nik_anak, "nama_anak": nama_anak,
            "expected_version": expected_version}
    return _Request("POST", "/siak/v1/kk/terbitkan-ulang", body=body, key=key)


def _register_akta(key: str, body: dict[str, Any]) -> _Request:
    return _Request("POST", "/siak/v1/akta-kelahiran", body=body, key=key)


def _issue_kia(key: str, nik_anak: str, nomor_akta: str) -> _Request:
    body = {"nik_anak": nik_anak, "nomor_akta": nomor_akta}
    return _Request("POST", "/siak/v1/kia", body=body, key=key)


def _transport_error(request: _Request, exc: httpx.HTTPError) -> TransientError:
    if isinstance(exc, httpx.TimeoutException):
        return TransientError(f"SIAK {request.method} {request.path}: timeout")
    return TransientError(f"SIAK {request.method} {request.path}: {type(exc).__name__}")


def _read(request: _Request, status: int, payload: Any, reason: str) -> Any:
    """TransientError on 5xx and 429, SiakRejected with SIAK's code on any other 4xx."""
    method, path = request.method, request.path
    info = payload if isinstance(payload, dict) else {}
    if status >= 500 or status == 429:
        raise TransientError(f"SIAK {method} {path}: HTTP {status} {info.get('code', '')}")
    if status >= 400:
        raise SiakRejected(str(info.get("code", f"HTTP_{status}")),
                           str(info.get("message", reason)), http_status=status, details=info)
    if payload is None:
        raise TransientError(f"SIAK {method} {path}: unreadable answer")
    return payload


def _object(request: _Request, payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise TransientError(f"SIAK {request.method} {request.path}: answer is not a JSON object")
    return payload


class AsyncSiakHttpClient:
    """The workers' client (connectors.http): pooled keep-alive connections, a timeout per
    call, no thread hop.
    NIKs travel in bodies, never in URLs. Raises TransientError on timeouts, lost connections,
    5xx and 429 (retry with the same key); SiakRejected with SIAK's code on any other 4xx."""

    def __init__(self, base_url: str, api_key: str, timeout: float = 5.0,
                 max_connections: int = 256) -> None:
        self._http = AsyncHttp(base_url, timeout=timeout, headers={"X-Api-Key": api_key},
                               max_connections=max_connections, label="SIAK")

    async def lookup(self, nik: str) -> dict[str, Any] | None:
        """`{"penduduk": {...}, "kk": {...}}`, or None when SIAK has no such NIK."""
        try:
            return await self._send(_lookup(nik))
        except SiakRejected as exc:
            if exc.code == NOT_FOUND_NIK:
                return None
            raise

    async def register_birth(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        """`{"nik", "nomor_kk", "kode_kecamatan", "registered_at"}`; the same key replays."""
        return await self._send(_register_birth(key, body))

    async def reissue_kk(self, key: str, nomor_kk: str, nik_anak: str, nama_anak: str | None,
                         expected_version: int | None) -> dict[str, Any]:
        """The new KK version; SiakRejected VERSI_KK_BERUBAH on a race."""
        request = _reissue_kk(key, nomor_kk, nik_anak, nama_anak, expected_version)
        return await self._send(request)

    async def register_akta(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        return await self._send(_register_akta(key, body))

    async def issue_kia(self, key: str, nik_anak: str, nomor_akta: str) -> dict[str, Any]:
        return await self._send(_issue_kia(key, nik_anak, nomor_akta))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _send(self, request: _Request) -> dict[str, Any]:
        answer = await self._http.request(request.method, request.path, body=request.body,
                                          params=request.params, headers=request.headers)
        return _object(request, _read(request, answer.status, answer.json(), answer.reason))


class SiakHttpClient:
    """Blocking twin of AsyncSiakHttpClient for tools and tests (demo, CLI, simulator tests)."""

    def __init__(self, base_url: str, api_key: str, timeout: float = 5.0) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), timeout=timeout, headers={"X-Api-Key": api_key}
        )

    def lookup(self, nik: str) -> dict[str, Any] | None:
        """`{"penduduk": {...}, "kk": {...}}`, or None when SIAK has no such NIK."""
        try:
            return self._send(_lookup(nik))
        except SiakRejected as exc:
            if exc.code == NOT_FOUND_NIK:
                return None
            raise

    def register_birth(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        """`{"nik", "nomor_kk", "kode_kecamatan", "registered_at"}`; the same key replays."""
        return self._send(_register_birth(key, body))

    def reissue_kk(self, key: str, nomor_kk: str, nik_anak: str, nama_anak: str | None,
                   expected_version: int | None) -> dict[str, Any]:
        """The new KK version; SiakRejected VERSI_KK_BERUBAH (details.current_version) on a race."""
        request = _reissue_kk(key, nomor_kk, nik_anak, nama_anak, expected_version)
        return self._send(request)

    def register_akta(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        """`{"nomor_akta", "jenis", "tanggal_registrasi", ...}`."""
        return self._send(_register_akta(key, body))

    def issue_kia(self, key: str, nik_anak: str, nomor_akta: str) -> dict[str, Any]:
        """`{"nik", "jenis": "0-5", "berlaku_sampai", "nomor_kk", ...}`."""
        return self._send(_issue_kia(key, nik_anak, nomor_akta))

    def ledger(self) -> list[dict[str, Any]]:
        """Simulator only: every effect applied, once per idempotency key."""
        effects: list[dict[str, Any]] = self._send(_Request("GET", "/_sim/ledger"))["effects"]
        return effects

    def sample_mothers(self, n: int, kind: str = "happy", offset: int = 0) -> list[dict[str, Any]]:
        """Simulator only: synthetic mothers for demos and tests, in a stable order."""
        params = {"n": n, "kind": kind, "offset": offset}
        request = _Request("GET", "/_sim/population/sample", params=params)
        mothers: list[dict[str, Any]] = self._raw(request)
        return mothers

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SiakHttpClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _send(self, request: _Request) -> dict[str, Any]:
        return _object(request, self._raw(request))

    def _raw(self, request: _Request) -> Any:
        try:
            response = self._http.request(request.method, request.path, json=request.body,
                                          params=request.params, headers=request.headers)
        except httpx.HTTPError as exc:  # timeouts, refused, reset, cut mid-answer
            raise _transport_error(request, exc) from exc
        try:
            payload = response.json()
        except ValueError:
            payload = None
        return _read(request, response.status_code, payload, response.reason_phrase)
