"""AsyncNotifyHttpClient: WhatsApp/SMS messages to families through the notification gateway."""

from __future__ import annotations

from typing import Any

from connectors.http import Answer, AsyncHttp
from pipeline.domain.errors import TransientError


class NotifyRejected(Exception):
    """A 4xx: the gateway refused the message (bad number, bad body); a retry will not help."""


def _message(to: str, channel: str, text: str) -> dict[str, str]:
    return {"to": to, "channel": channel, "text": text}


def _read(answer: Answer) -> dict[str, Any]:
    if answer.status >= 500 or answer.status == 429:
        raise TransientError(f"notify: HTTP {answer.status}")
    if answer.status >= 400:
        raise NotifyRejected(f"notify: HTTP {answer.status} {answer.body[:200]!r}")
    payload = answer.json()
    if not isinstance(payload, dict):
        raise TransientError("notify: unreadable answer")
    return payload


class AsyncNotifyHttpClient:
    """`send` carries an Idempotency-Key, so a retried send is delivered once."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self._http = AsyncHttp(base_url, timeout=timeout, label="notify")

    async def send(self, key: str, to: str, channel: str, text: str) -> dict[str, Any]:
        answer = await self._http.request("POST", "/v1/messages", body=_message(to, channel, text),
                                          headers={"Idempotency-Key": key})
        return _read(answer)

    async def aclose(self) -> None:
        await self._http.aclose()

