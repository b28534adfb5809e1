"""BPJS Kesehatan bridge simulator (VClaim conventions + our newborn enrolment); run via `serve`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import structlog
import uvicorn
from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from simulators import population
from simulators.bpjs import rules
from simulators.bpjs.bridge import BridgeError, Consumer, ConsumerAuth, envelope, parse_body
from simulators.bpjs.enrolment import Enrolments
from simulators.bpjs.participants import Participants
from simulators.bpjs.store import Store
from simulators.faults import install_faults

log = structlog.get_logger(__name__)

DEFAULT_CONSUMERS = {"9901": ("lahir-dev-bpjs-secret", "lahir-dev-user-key")}
NOT_FOUND = ("201", "Peserta tidak ditemukan")
NO_TELEMETRY: Any = {"tracing": False, "metrics": False, "logs": False}  # no per-request probe


def _consumer(request: Request) -> Consumer:
    auth: ConsumerAuth = request.app.state.auth
    return auth.check(request.headers)


ConsumerDep = Annotated[Consumer, Depends(_consumer)]


def create_app(
    *,
    seed: int = 3673,
    families: int = 20000,
    state_path: Path | None = None,
    consumers: Mapping[str, tuple[str, str]] | None = None,
    timestamp_tolerance_s: int = 300,
    clock: Callable[[], datetime] | None = None,
    tariffs: rules.Tariffs | None = None,
) -> FastAPI:
    """Memberships come from `simulators.population.generate(seed, families)`, as in SIAK."""
    now = clock or (lambda: datetime.now(UTC))
    store = Store(state_path)
    participants = Participants(population.generate(seed, families), store)
    enrolments = Enrolments(participants, tariffs or rules.Tariffs(), now)
    auth = ConsumerAuth(consumers or DEFAULT_CONSUMERS, timestamp_tolerance_s, now)

    app = FastAPI(title="BPJS Kesehatan simulator", version="1.0", telemetry=NO_TELEMETRY)
    app.state.store, app.state.auth = store, auth
    install_faults(app)

    @app.exception_handler(BridgeError)
    async def bridge_error(_request: Request, exc: BridgeError) -> JSONResponse:
        return envelope(exc.code, exc.message, None, exc.http_status)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors())
        return envelope("400", f"Permintaan tidak valid: {fields}", None, 400)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        ready = store.ping()
        return JSONResponse(
            {"status": "ready" if ready else "not ready"}, status_code=200 if ready else 503
        )

    @app.get("/jkn/Peserta/nik/{nik}/tglSEP/{tgl_sep}")
    async def peserta_by_nik(nik: str, tgl_sep: str, who: ConsumerDep) -> JSONResponse:
        found = participants.by_nik(nik, _service_date(tgl_sep), now().date())
        log.info("bpjs_peserta_looked_up", by="nik", nik=_mask(nik), found=found is not None)
        return who.encrypted({"peserta": found}) if found else envelope(*NOT_FOUND)

    @app.get("/jkn/Peserta/nokartu/{no_kartu}/tglSEP/{tgl_sep}")
    async def peserta_by_card(no_kartu: str, tgl_sep: str, who: ConsumerDep) -> JSONResponse:
        found = participants.by_card(no_kartu, _service_date(tgl_sep), now().date())
        log.info("bpjs_peserta_looked_up", by="nokartu", found=found is not None)
        return who.encrypted({"peserta": found}) if found else envelope(*NOT_FOUND)

    @app.post("/jkn/Peserta/bayi")
    async def enrol_newborn(
        request: Request,
        who: ConsumerDep,
        idempotency_key: Annotated[str | None, Header(alias="X-Idempotency-Key")] = None,
    ) -> JSONResponse:
        if not idempotency_key or len(idempotency_key) > 200:
            raise BridgeError(
                "400", "Header X-Idempotency-Key wajib diisi (maks. 200 karakter)", 400
            )
        body = parse_body(await request.body(), request.headers.get("content-type", ""))
        answer = enrolments.enrol(idempotency_key, body)  # brief, on the loop: no thread hop
        if answer.payload is None:
            return envelope(answer.code, answer.message)
        return who.encrypted(answer.payload, answer.message)

    @app.get("/_sim/ledger", tags=["_sim"])
    async def ledger() -> dict[str, Any]:
        return {"effects": store.ledger()}

    return app


def serve(host: str = "127.0.0.1", port: int = 8102, **kwargs: Any) -> None:
    """Blocking; `kwargs` go to `create_app` (seed, families, state_path, ...)."""
    configured = bool(logging.getLogger().handlers)  # keep the caller's masking log config
    uvicorn.run(
        create_app(**kwargs),
        host=host,
        port=port,
        timeout_graceful_shutdown=5,
        log_config=None if configured else uvicorn.config.LOGGING_CONFIG,
        access_log=False,  # request paths carry NIKs (Peserta/nik/{nik})
        proxy_headers=False,  # nothing sits in front of a simulator
    )


def _service_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BridgeError("400", "Format tglSEP harus yyyy-MM-dd", 400) from None


def _mask(nik: str) -> str:
    """`3673********9901`: a NIK never reaches a log in clear (domain.md 8.3)."""
    return f"{nik[:4]}{'*' * 8}{nik[-4:]}" if len(nik) == 16 else "***"
