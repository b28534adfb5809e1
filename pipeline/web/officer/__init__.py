"""The Disdukcapil officer UI under /officer/: sign-in, work queue, previews, decisions, audit."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import FileResponse, RedirectResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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

    app.add_middleware(OfficerHeaders)


class OfficerHeaders:
    """The security headers on every /officer response. Plain ASGI: Starlette's
    `@app.middleware("http")` runs each request of every route through a task and a memory stream
    (py-spy: about 9% of the intake API's CPU per POST)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/officer"):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)
