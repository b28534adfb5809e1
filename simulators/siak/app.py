"""SIAK simulator over HTTP (Disdukcapil Kota Serang side); run: `python -m simulators siak`."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import structlog
import uvicorn
from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from simulators.faults import Faults, install_faults
from simulators.population import MOTHER_KINDS, generate
from simulators.siak.models import (
    AktaRequest,
    BirthRequest,
    KiaRequest,
    LookupRequest,
    ReissueKkRequest,
)
from simulators.siak.registry import SiakRegistry
from simulators.siak.rules import AktaDateSource, AktaPolicy, AktaSerialScope, RuleBroken
from simulators.siak.store import Store

log = structlog.get_logger("simulators.siak")
OPEN_PATHS = frozenset({"/healthz", "/readyz"})  # probes carry no key
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
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

    def require_api_key(request: Request) -> None:
        given = request.headers.get("x-api-key", "")
        if request.url.path not in OPEN_PATHS and not hmac.compare_digest(
            given.encode(), api_key.encode()
        ):
            raise RuleBroken(401, "API_KEY_TIDAK_VALID", "header X-Api-Key salah atau tidak ada")

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        log.info("siak_simulator_started", seed=seed, families=families, state=str(state_path))
        yield
        store.close()

    app = FastAPI(
        title="SIAK simulator (Kota Serang, synthetic)",
        lifespan=lifespan,
        dependencies=[Depends(require_api_key)],
    )
    app.state.registry = registry
    app.state.faults = install_faults(app, faults=faults)
    _install_error_handlers(app)
    _install_routes(app, registry)
    return app


def _install_routes(app: FastAPI, registry: SiakRegistry) -> None:
    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> dict[str, Any]:
        population = registry.population
        return {"status": "ready", "seed": population.seed, "families": len(population.families)}

    @app.post("/siak/v1/penduduk/cari")
    def cari(body: LookupRequest) -> dict[str, Any]:
        found = registry.lookup(body.nik)
        if found is None:
            raise RuleBroken(404, "NIK_TIDAK_DITEMUKAN", "NIK tidak terdaftar")
        return found

    @app.post("/siak/v1/kelahiran")
    def kelahiran(body: BirthRequest, key: IdempotencyKey = None) -> JSONResponse:
        return _answer(*registry.register_birth(_required(key), body))

    @app.post("/siak/v1/kk/terbitkan-ulang")
    def terbitkan_ulang(body: ReissueKkRequest, key: IdempotencyKey = None) -> JSONResponse:
        return _answer(*registry.reissue_kk(_required(key), body))

    @app.post("/siak/v1/akta-kelahiran")
    def akta(body: AktaRequest, key: IdempotencyKey = None) -> JSONResponse:
        return _answer(*registry.register_akta(_required(key), body))

    @app.post("/siak/v1/kia")
    def kia(body: KiaRequest, key: IdempotencyKey = None) -> JSONResponse:
        return _answer(*registry.issue_kia(_required(key), body))

    @app.get("/_sim/ledger")
    def ledger() -> dict[str, Any]:
        return {"effects": registry.store.ledger()}

    @app.get("/_sim/population/sample")
    def sample(
        n: Annotated[int, Query(ge=1, le=1000)] = 10,
        kind: str = "happy",
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[dict[str, Any]]:
        if kind not in MOTHER_KINDS:
            raise RuleBroken(422, "JENIS_TIDAK_DIKENAL", f"kind must be one of {MOTHER_KINDS}")
        return registry.sample(n, kind, offset)


def _required(key: str | None) -> str:
    if not key or not key.strip():
        raise RuleBroken(400, "IDEMPOTENCY_KEY_WAJIB", "header Idempotency-Key wajib diisi")
    return key


def _answer(status: int, body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=status)


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
    uvicorn.run(
        create_app(**kwargs), host=host, port=port, log_config=None, timeout_graceful_shutdown=5
    )
