"""SIAK simulator over HTTP (Disdukcapil Kota Serang side); run: `python -m simulators siak`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog
import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from simulators.faults import Faults, install_faults
from simulators.population import generate
from simulators.siak.access import ApiKeyMiddleware
from simulators.siak.direct import DirectRoutes
from simulators.siak.registry import SiakRegistry
from simulators.siak.routes import busy_routes, install_routes
from simulators.siak.rules import AktaDateSource, AktaPolicy, AktaSerialScope, RuleBroken
from simulators.siak.store import Store

log = structlog.get_logger("simulators.siak")
OPEN_PATHS = frozenset({"/healthz", "/readyz"})  # probes carry no key
NO_TELEMETRY: Any = {"tracing": False, "metrics": False, "logs": False}  # no per-request probe
HTTP_CODES = {401: "API_KEY_TIDAK_VALID", 404: "TIDAK_DITEMUKAN", 405: "METODE_TIDAK_DIIZINKAN"}


def create_app(
    *,
    seed: int = 3673,
    families: int = 20000,
    state_path: Path | None = None,
    api_key: str = "lahir-dev-siak-key",
    clock: Callable[[], datetime] | None = None,
    akta_date_source: AktaDateSource = "registration",
    akta_serial_scope: AktaSerialScope = "day_type",
    strict_status_ortu: bool = True,
    faults: Faults | None = None,
) -> FastAPI:
    """The population comes from the seed; every mutation lives in the SQLite file at state_path."""
    store = Store(state_path, population_id=f"seed={seed};families={families}")
    registry = SiakRegistry(
        generate(seed, families),
        store,
        clock or (lambda: datetime.now(UTC)),
        AktaPolicy(akta_date_source, akta_serial_scope),
        strict_status_ortu=strict_status_ortu,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        log.info("siak_simulator_started", seed=seed, families=families, state=str(state_path))
        yield
        store.close()

    app = FastAPI(
        title="SIAK simulator (Kota Serang, synthetic)", lifespan=lifespan, telemetry=NO_TELEMETRY
    )
    app.state.registry = registry
    busy = busy_routes(registry)
    app.add_middleware(DirectRoutes, routes=busy)  # the last added runs first: faults, key, these
    app.add_middleware(ApiKeyMiddleware, api_key=api_key, open_paths=OPEN_PATHS)
    app.state.faults = install_faults(app, faults=faults)
    _install_error_handlers(app)
    install_routes(app, registry, busy)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RuleBroken)
    async def rule_broken(_request: Request, exc: RuleBroken) -> JSONResponse:
        log.info("request_rejected", code=exc.code, status=exc.status)
        return JSONResponse(
            {"code": exc.code, "message": exc.message, **exc.extra}, status_code=exc.status
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
            for e in exc.errors()
        ]  # no "input": it would echo NIKs back
        return JSONResponse(
            {"code": "DATA_TIDAK_VALID", "message": "permintaan tidak valid", "errors": errors},
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"code": HTTP_CODES.get(exc.status_code, "HTTP_ERROR"), "message": str(exc.detail)},
            status_code=exc.status_code,
        )

    @app.exception_handler(Exception)
    async def crashed(_request: Request, exc: Exception) -> JSONResponse:
        log.error("request_failed", error_type=type(exc).__name__)
        return JSONResponse(
            {"code": "KESALAHAN_INTERNAL", "message": "kesalahan internal"}, status_code=500
        )


def serve(host: str, port: int, **kwargs: Any) -> None:
    """Blocking: builds the app with create_app(**kwargs) and runs uvicorn (logging left as set)."""
    uvicorn.run(create_app(**kwargs), host=host, port=port, log_config=None,
                access_log=False, proxy_headers=False, timeout_graceful_shutdown=5)  # fmt: skip
