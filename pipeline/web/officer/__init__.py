"""The Disdukcapil officer UI under /officer/: sign-in, work queue, previews, decisions, audit."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import FileResponse, RedirectResponse

from pipeline.web.officer import actions, admin, auth_routes, pages
from pipeline.web.officer.render import page
from pipeline.web.officer.security import LoginRequired, PageError, current

STATIC = Path(__file__).parent / "static"
HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY",
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Content-Security-Policy": "default-src 'self'; style-src 'self'; "
                                      "frame-ancestors 'none'; form-action 'self'"}


def install(app: FastAPI) -> None:
    router = APIRouter(prefix="/officer", include_in_schema=False)
    for module in (auth_routes, pages, actions, admin):
        router.include_router(module.router)

    @router.get("/static/officer.css")
    def stylesheet() -> FileResponse:
        return FileResponse(STATIC / "officer.css", media_type="text/css")

    app.include_router(router)

    @app.exception_handler(PageError)
    async def on_page_error(request: Request, exc: PageError) -> Response:
        who = await asyncio.to_thread(current, request)
        return page(request, "error.html", who, status=exc.status,
                    message=exc.message)

    @app.exception_handler(LoginRequired)
    async def on_login_required(_request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse("/officer/login", status_code=303)

    @app.middleware("http")
    async def officer_headers(request: Request,
                              call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        if request.url.path.startswith("/officer"):
            for name, value in HEADERS.items():
                response.headers.setdefault(name, value)
        return response
