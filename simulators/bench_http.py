"""A lean keep-alive HTTP/1.1 client for the CPU bench: httpx used more CPU than the simulators."""

from __future__ import annotations

import asyncio
import json
from typing import Any


class Connection:
    """One connection, one request at a time; reconnects once if the server closed it."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.fixed = "".join(f"{k}: {v}\r\n" for k, v in {"host": host, **headers}.items())
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        """POST JSON (a dict) or bytes; the decoded JSON answer with `status` in `.status`."""
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        head = (f"POST {path} HTTP/1.1\r\n{self.fixed}{extra}content-type: application/json\r\n"
                f"content-length: {len(content)}\r\n\r\n")  # fmt: skip
        for attempt in range(2):
            try:
                return await self._exchange(head.encode() + content)
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def get(self, path: str) -> Any:
        head = f"GET {path} HTTP/1.1\r\n{self.fixed}\r\n"
        return await self._exchange(head.encode())

    async def _exchange(self, request: bytes) -> Answer:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        writer.write(request)
        status_line, *lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        fields = dict(line.lower().split(": ", 1) for line in lines if ": " in line)
        payload = await reader.readexactly(int(fields.get("content-length", "0")))
        if fields.get("connection") == "close":
            await self.close()
        return Answer(int(status_line.split()[1]), json.loads(payload) if payload else None)

    async def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None


class Answer:
    def __init__(self, status: int, body: Any) -> None:
        self.status, self.body = status, body

    def ok(self) -> Any:
        if self.status >= 300:
            raise RuntimeError(f"HTTP {self.status}: {self.body}")
        return self.body
