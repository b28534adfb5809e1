"""NotifyHttpClient: WhatsApp/SMS messages to families through the notification gateway."""

from __future__ import annotations

from typing import Any

import httpx

from pipeline.domain.errors import TransientError


class NotifyRejected(Exception):
    """A 4xx: the gateway refused the message (bad number, bad body); a retry will not help."""


class NotifyHttpClient:
    """Blocking; `send` carries an Idempotency-Key, so a retried send is delivered once."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout)

    def send(self, key: str, to: str, channel: str, text: str) -> dict[str, Any]:
        body = {"to": to, "channel": channel, "text": text}
        try:
            response = self._http.post("/v1/messages", json=body,
                                       headers={"Idempotency-Key": key})
        except httpx.TimeoutException as exc:
            raise TransientError("notify: timeout") from exc
        except httpx.HTTPError as exc:
            raise TransientError(f"notify: {type(exc).__name__}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientError(f"notify: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise NotifyRejected(f"notify: HTTP {response.status_code} {response.text[:200]}")
        try:
            answer: dict[str, Any] = response.json()
        except ValueError as exc:
            raise TransientError("notify: unreadable answer") from exc
        return answer

    def close(self) -> None:
        self._http.close()
