"""X-Api-Key on every SIAK route but the probes, checked before FastAPI does any work."""

from __future__ import annotations

import hmac

import structlog
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Receive, Scope, Send

log = structlog.get_logger("simulators.siak")
REFUSED = {"code": "API_KEY_TIDAK_VALID", "message": "header X-Api-Key salah atau tidak ada"}


class ApiKeyMiddleware:
    """Pure ASGI: a dependency on every route cost more than the rest of a lookup.

    Only the app's own routes ask for the key, as an app-wide dependency did: an unknown path
    is still a 404 and a wrong method a 405, key or not.
    """

    def __init__(self, app: ASGIApp, api_key: str, open_paths: frozenset[str]) -> None:
        self.app, self.key, self.open_paths = app, api_key.encode(), open_paths
        self._guarded: frozenset[tuple[str, str]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self._needs_key(scope) and not self._carries_key(scope):
            log.info("request_rejected", code=REFUSED["code"], status=401)
            await JSONResponse(REFUSED, status_code=401)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _needs_key(self, scope: Scope) -> bool:
        if self._guarded is None:
            routes = [r for r in scope["app"].routes if isinstance(r, APIRoute)]
            self._guarded = frozenset(
                (m, r.path) for r in routes if r.path not in self.open_paths for m in r.methods
            )
        return (scope["method"], scope["path"]) in self._guarded

    def _carries_key(self, scope: Scope) -> bool:
        given = next((v for k, v in scope["headers"] if k == b"x-api-key"), b"")
        return hmac.compare_digest(given, self.key)
