"""SiakHttpClient: our synchronous HTTP client for SIAK (the simulator, one day the real one)."""

from __future__ import annotations

from types import TracebackType
from typing import Any

import httpx

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


class SiakHttpClient:
    """Blocking calls (workers run them in a thread). NIKs travel in bodies, never in URLs.

    Raises TransientError on timeouts, lost connections, 5xx and 429 (retry with the same key);
    SiakRejected (a RegistryRejected) with SIAK's code on any other 4xx.
    """

    def __init__(self, base_url: str, api_key: str, timeout: float = 5.0) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), timeout=timeout, headers={"X-Api-Key": api_key}
        )

    def lookup(self, nik: str) -> dict[str, Any] | None:
        """`{"penduduk": {...}, "kk": {...}}`, or None when SIAK has no such NIK."""
        try:
            return self._object("POST", "/siak/v1/penduduk/cari", body={"nik": nik})
        except SiakRejected as exc:
            if exc.code == NOT_FOUND_NIK:
                return None
            raise

    def register_birth(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        """`{"nik", "nomor_kk", "kode_kecamatan", "registered_at"}`; the same key replays."""
        return self._object("POST", "/siak/v1/kelahiran", body=body, key=key)

    def reissue_kk(
        self,
        key: str,
        nomor_kk: str,
        nik_anak: str,
        nama_anak: str | None,
        expected_version: int | None,
    ) -> dict[str, Any]:
        """The new KK version; SiakRejected VERSI_KK_BERUBAH (details.current_version) on a race."""
        body = {
            "nomor_kk": nomor_kk,
            "nik_anak": nik_anak,
            "nama_anak": nama_anak,
            "expected_version": expected_version,
        }
        return self._object("POST", "/siak/v1/kk/terbitkan-ulang", body=body, key=key)

    def register_akta(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        """`{"nomor_akta", "jenis", "tanggal_registrasi", ...}`."""
        return self._object("POST", "/siak/v1/akta-kelahiran", body=body, key=key)

    def issue_kia(self, key: str, nik_anak: str, nomor_akta: str) -> dict[str, Any]:
        """`{"nik", "jenis": "0-5", "berlaku_sampai", "nomor_kk", ...}`."""
        body = {"nik_anak": nik_anak, "nomor_akta": nomor_akta}
        return self._object("POST", "/siak/v1/kia", body=body, key=key)

    def ledger(self) -> list[dict[str, Any]]:
        """Simulator only: every effect applied, once per idempotency key."""
        effects: list[dict[str, Any]] = self._object("GET", "/_sim/ledger")["effects"]
        return effects

    def sample_mothers(self, n: int, kind: str = "happy", offset: int = 0) -> list[dict[str, Any]]:
        """Simulator only: synthetic mothers for demos and tests, in a stable order."""
        params = {"n": n, "kind": kind, "offset": offset}
        mothers: list[dict[str, Any]] = self._call("GET", "/_sim/population/sample", params=params)
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

    def _object(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        payload = self._call(method, path, **kwargs)
        if not isinstance(payload, dict):
            raise TransientError(f"SIAK {method} {path}: answer is not a JSON object")
        return payload

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        key: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        headers = {"Idempotency-Key": key} if key is not None else None
        try:
            response = self._http.request(method, path, json=body, params=params, headers=headers)
        except httpx.TimeoutException as exc:
            raise TransientError(f"SIAK {method} {path}: timeout") from exc
        except httpx.HTTPError as exc:  # refused, reset, cut mid-answer
            raise TransientError(f"SIAK {method} {path}: {type(exc).__name__}") from exc
        status = response.status_code
        try:
            payload = response.json()
        except ValueError:
            payload = None
        info = payload if isinstance(payload, dict) else {}
        if status >= 500 or status == 429:
            raise TransientError(f"SIAK {method} {path}: HTTP {status} {info.get('code', '')}")
        if status >= 400:
            raise SiakRejected(
                str(info.get("code", f"HTTP_{status}")),
                str(info.get("message", response.reason_phrase)),
                http_status=status,
                details=info,
            )
        if payload is None:
            raise TransientError(f"SIAK {method} {path}: unreadable answer")
        return payload
