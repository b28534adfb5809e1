"""The signing client hospitals (and our demo, tests and CLI) use to talk to the intake API."""

from __future__ import annotations

import json
from typing import Any

import httpx

from connectors.hospital_api.signing import sign_headers


class HospitalClient:
    """Async client; every request signed per contract.md 2.1."""

    def __init__(self, base_url: str, facility_id: str, secret: str, *,
                 timeout: float = 10.0, client: httpx.AsyncClient | None = None) -> None:
        self.facility_id, self._secret = facility_id, secret
        self._http = client or httpx.AsyncClient(base_url=base_url, timeout=timeout)

    async def post_birth(self, report: dict[str, Any] | bytes) -> httpx.Response:
        body = report if isinstance(report, bytes) else json.dumps(report).encode()
        return await self._send("POST", "/v1/births", body)

    async def get_birth(self, registration_id: str) -> httpx.Response:
        return await self._send("GET", f"/v1/births/{registration_id}", b"")

    async def name_child(self, registration_id: str, name: str) -> httpx.Response:
        body = json.dumps({"name": name}).encode()
        return await self._send("PATCH", f"/v1/births/{registration_id}/child", body)

    async def _send(self, method: str, path: str, body: bytes) -> httpx.Response:
        headers = sign_headers(self.facility_id, self._secret, method, path, body)
        if body:
            headers["Content-Type"] = "application/json"
        return await self._http.request(method, path, content=body, headers=headers)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> HospitalClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()
