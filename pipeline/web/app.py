"""The public HTTP process: hospital intake, status, health, officer UI, verification, family."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from connectors.hospital_api.guards import RateLimiter
from connectors.hospital_api.naming import router as naming_router
from connectors.hospital_api.problems import ProblemError, field_errors, problem_response
from connectors.hospital_api.routes import router as births_router
from pipeline.bootstrap import Container
from pipeline.web import family, officer, verify


def create_app(container: Container) -> FastAPI:
    app = FastAPI(title="Lahir", version="1.0",
                  description="Birth registration for Kota Serang: NIK, KK, akta, KIA, BPJS.")
    app.state.container = container
    app.state.rate_limiter = RateLimiter(container.settings.rate_limit_per_minute)
    app.include_router(births_router)
    app.include_router(naming_router)
    app.include_router(verify.router)
    app.include_router(family.router)
    _install_error_handlers(app)
    officer.install(app)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    async def readyz() -> JSONResponse:
        try:
            await asyncio.to_thread(_ping, container)
        except OperationalError:
            return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
        return JSONResponse({"status": "ready", "database": "up"})

    return app


def _ping(container: Container) -> None:
    with container.engine.connect() as conn:
        conn.execute(text("select 1"))


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def on_problem(_request: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(exc.status, exc.detail, exc.errors, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": ".".join(map(str, e["loc"])), "code": e["type"].upper(),
                   "message": e["msg"]} for e in exc.errors()]
        return problem_response(422, "the request has problems; each is listed", errors)

    @app.exception_handler(HTTPException)
    async def on_http(_request: Request, exc: HTTPException) -> JSONResponse:
        return problem_response(exc.status_code, str(exc.detail))

    @app.exception_handler(OperationalError)
    async def on_db_down(_request: Request, _exc: OperationalError) -> JSONResponse:
        # nothing was stored: a retry is safe (contract.md 2.2)
        return problem_response(503, "cannot store durably right now; retry later",
                                headers={"Retry-After": "5"})


__all__ = ["create_app", "field_errors"]
