"""The busy SIAK POST routes as plain ASGI; FastAPI still answers whatever they cannot parse."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import structlog
from pydantic import BaseModel, ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulators.siak.rules import RuleBroken

log = structlog.get_logger("simulators.siak")
Handler = Callable[[Any, str | None], tuple[int, dict[str, Any]]]  # (body, Idempotency-Key)
MAX_KEY_LENGTH = 200  # as the routes' Header(max_length=200)
JSON = b"application/json"


@dataclass(frozen=True)
class DirectRoute:
    model: type[BaseModel]
    handle: Handler


class DirectRoutes:
    """Routing, dependencies and validation in FastAPI cost more than a SIAK effect itself.

    A well-formed JSON body is validated as FastAPI would (json.loads, then the model in Python
    mode) and handled here; anything else (another content type, bad JSON, a validation error,
    an overlong key) goes on to the FastAPI routes of the same paths with the body replayed,
    so every error answer stays FastAPI's own. Refusals answer as the app's RuleBroken handler.
    """

    def __init__(self, app: ASGIApp, routes: dict[str, DirectRoute]) -> None:
        self.app, self.routes = app, routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.routes.get(scope["path"]) if scope["type"] == "http" else None
        if route is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        raw = await _body(receive)
        if raw is None:
            return  # the client left before its body arrived: nothing to answer
        headers = dict(reversed(scope["headers"]))  # the first of repeated headers, as Starlette
        body, key = _parsed(route.model, raw, headers), headers.get(b"idempotency-key")
        if body is None or (key is not None and len(key) > MAX_KEY_LENGTH):
            await self.app(scope, _replay(raw, receive), send)
            return
        try:
            status, answer = route.handle(body, key.decode("latin-1") if key is not None else None)
        except RuleBroken as exc:
            log.info("request_rejected", code=exc.code, status=exc.status)
            status, answer = exc.status, {"code": exc.code, "message": exc.message, **exc.extra}
        await _send_json(send, status, answer)


async def _send_json(send: Send, status: int, answer: dict[str, Any]) -> None:
    """What Starlette's JSONResponse sends, without building one."""
    body = json.dumps(answer, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
    headers = [(b"content-length", str(len(body)).encode()), (b"content-type", JSON)]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _parsed(model: type[BaseModel], raw: bytes, headers: dict[bytes, bytes]) -> Any:
    media = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    if not raw or media != JSON:
        return None
    try:
        return model.model_validate(json.loads(raw))
    except (ValueError, ValidationError):  # JSONDecodeError and UnicodeDecodeError included
        return None


async def _body(receive: Receive) -> bytes | None:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(raw: bytes, receive: Receive) -> Receive:
    """The body once more, then whatever the server says next (a disconnect)."""
    replayed = False

    async def again() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": raw, "more_body": False}

    return again
