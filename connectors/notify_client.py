"""AsyncNotifyHttpClient: WhatsApp/SMS messages to families through the notification gateway."""

from __future__ import annotations

from typing import Any

import httpx

from pipeline.domain.errors import TransientError


class NotifyRejected(Exception):
    """A 4xx: the gateway refused the message (bad number, bad body); a retry will not help."""


def _message(to: str, channel: str, text: str) -> dict[str, str]:
    return {"to": to, "channel": channel, "text": text}


def _transport_error(exc: httpx.HTTPError) -> TransientError:
    if isinstance(exc, httpx.TimeoutException):
        return TransientError("notify: timeout")
    return TransientError(f"notify: {type(exc).__name__}")


def _read(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 500 or response.status_code == 429:
        raise TransientError(f"notify: HTTP {response.status_code}")
    if response.status_code >= 400:
        raise NotifyRejected(f"notify: HTTP {response.status_code} {response.text[:200]}")
    try:
        answer: dict[str, Any] = response.json()
    except ValueError as exc:
        raise TransientError("notify: unreadable answer") from exc
    return answer


class AsyncNotifyHttpClient:
    """`send` carries an Idempotency-Key, so a retried send is delivered once."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self._http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout)

    async def send(self, key: str, to: str, channel: str, text: str) -> dict[str, Any]:
        try:
            response = await self._http.post("/v1/messages", json=_message(to, channel, text),
                                             headers={"Idempotency-Key": key})
        except httpx.HTTPError as exc:
            raise _transport_error(exc) from exc
        return _read(response)

    async def aclose(self) -> None:
        await self._http.aclose()

