"""Notification simulator over HTTP (a WhatsApp/SMS gateway); run: `python -m simulators notify`."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import uvicorn
from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, StringConstraints

from simulators.faults import Faults, Ledger, install_faults

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


class MessageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: Annotated[str, StringConstraints(pattern=r"^\+?[0-9]{8,15}$")]
    channel: Literal["WHATSAPP", "SMS"]
    text: Annotated[str, StringConstraints(min_length=1, max_length=1000)]


def create_app(*, clock: Callable[[], datetime] | None = None,
               faults: Faults | None = None) -> FastAPI:
    """Messages live in memory: one per idempotency key; the same key answers the first time."""
    now = clock or (lambda: datetime.now(UTC))
    ledger, messages, lock = Ledger(now), [], threading.Lock()
    app = FastAPI(title="Notification gateway simulator (WhatsApp/SMS, synthetic)")
    app.state.faults = install_faults(app, faults=faults)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> dict[str, str]:
        return {"status": "ready"}

    @app.post("/v1/messages", status_code=201)
    def send(body: MessageRequest, key: IdempotencyKey = None) -> JSONResponse:
        if not key:
            return JSONResponse({"code": "IDEMPOTENCY_KEY_REQUIRED",
                                 "message": "header Idempotency-Key wajib diisi"}, 400)
        with lock:
            if (seen := ledger.find(key)) is not None:
                return JSONResponse(seen["result"], 200)
            answer = {"message_id": f"msg_{uuid.uuid4().hex[:16]}", "status": "QUEUED",
                      "channel": body.channel}
            messages.append({**answer, "key": key, "to": body.to, "text": body.text,
                             "at": now().isoformat()})
            ledger.record(key, "message", answer)
        return JSONResponse(answer, 201)

    @app.get("/_sim/messages")
    def list_messages(to: str | None = None) -> dict[str, Any]:
        with lock:
            return {"messages": [m for m in messages if to is None or m["to"] == to]}

    @app.get("/_sim/ledger")
    def list_effects() -> dict[str, Any]:
        return {"effects": ledger.effects()}

    return app


def serve(host: str, port: int, **kwargs: Any) -> None:
    """Blocking: builds the app and runs uvicorn (logging left as set)."""
    uvicorn.run(create_app(**kwargs), host=host, port=port, log_config=None,
                timeout_graceful_shutdown=5)
