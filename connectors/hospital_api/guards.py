"""Checks before a body is read as a birth: size, media type, signature, nonce, rate."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from datetime import UTC, datetime, timedelta

from fastapi import Request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from connectors.hospital_api.problems import ProblemError
from connectors.hospital_api.signing import verify
from pipeline.bootstrap import Container
from pipeline.persistence.tables import FacilitySecret, SeenNonce


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ProblemError(413, f"the body may be at most {limit} bytes")
    body = await request.body()
    if len(body) > limit:
        raise ProblemError(413, f"the body may be at most {limit} bytes")
    return body


def require_json(request: Request) -> None:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise ProblemError(415, "send the birth report as application/json")


def authenticate(container: Container, request: Request, body: bytes) -> str:
    """The facility comes from the credentials, never from the body (contract.md 2.1)."""
    facility = request.headers.get("x-facility-id", "")
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    with container.sessions() as session:
        secrets = list(session.scalars(select(FacilitySecret.secret).where(
            FacilitySecret.facility_code == facility, FacilitySecret.active.is_(True))))
    if not facility or not request.headers.get("x-signature"):
        reason: str | None = "the request is not signed (X-Facility-Id, X-Signature, ...)"
    elif not secrets:
        reason = "unknown facility"
    else:
        reason = verify(request.headers, secrets, request.method, path, body, now=time.time(),
                        window_s=container.settings.signature_window_s)
    if reason:
        raise ProblemError(401, f"request signature rejected: {reason}")
    _remember_nonce(container, facility, request.headers["x-nonce"])
    return facility


def _remember_nonce(container: Container, facility: str, nonce: str) -> None:
    now = datetime.now(UTC)
    with container.sessions() as session:
        try:
            session.add(SeenNonce(facility_code=facility, nonce=nonce, seen_at=now))
            session.commit()
        except IntegrityError:
            raise ProblemError(401, "request signature rejected: nonce already used") from None
        window = timedelta(seconds=2 * container.settings.signature_window_s)
        if hash(nonce) % 100 == 0:  # now and then, forget nonces older than the window
            session.execute(delete(SeenNonce).where(SeenNonce.seen_at < now - window))
            session.commit()


class RateLimiter:
    """Sliding window per facility; a 429 carries Retry-After."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.hits: dict[str, deque[float]] = defaultdict(deque)

    def check(self, facility: str) -> None:
        now = time.monotonic()
        hits = self.hits[facility]
        while hits and now - hits[0] > 60:
            hits.popleft()
        if len(hits) >= self.per_minute:
            retry = max(1, int(60 - (now - hits[0])) + 1)
            raise ProblemError(429, "too many requests from this facility",
                               headers={"Retry-After": str(retry)})
        hits.append(now)
