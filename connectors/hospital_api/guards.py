"""Checks before a body is read as a birth: size, media type, signature, nonce, rate."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from datetime import UTC, datetime, timedelta

from fastapi import Request
from sqlalchemy import bindparam, delete, select, text

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
    secrets = FACILITY_SECRETS.get(container, facility)
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


class SecretCache:
    """Active secrets per facility, read from the database at most every `ttl_s` seconds: one
    query fewer per request. A rotated or retired secret takes effect within ttl_s."""

    def __init__(self, ttl_s: float = 10.0) -> None:
        self.ttl_s = ttl_s
        self._found: dict[tuple[int, str], tuple[float, list[str]]] = {}

    def get(self, container: Container, facility: str) -> list[str]:
        key, now = (id(container), facility), time.monotonic()
        cached = self._found.get(key)
        if cached is not None and now - cached[0] < self.ttl_s:
            return cached[1]
        with container.sessions() as session:
            secrets = list(session.scalars(select(FacilitySecret.secret).where(
                FacilitySecret.facility_code == facility, FacilitySecret.active.is_(True))))
        if len(self._found) > 10_000:  # unknown facility ids cannot grow it without bound
            self._found.clear()
        self._found[key] = (now, secrets)
        return secrets


FACILITY_SECRETS = SecretCache()


# one statement for both backends, no exception on the replay path (as the inbox marker)
_NONCE = text(
    f"INSERT INTO {SeenNonce.__tablename__} (facility_code, nonce, seen_at) "
    "VALUES (:facility, :nonce, :seen_at) ON CONFLICT DO NOTHING RETURNING nonce"
).bindparams(bindparam("seen_at", type_=SeenNonce.__table__.c.seen_at.type))


def _remember_nonce(container: Container, facility: str, nonce: str) -> None:
    now = datetime.now(UTC)
    with container.sessions() as session:
        fresh = session.execute(_NONCE, {"facility": facility, "nonce": nonce,
                                         "seen_at": now}).first()
        session.commit()
        if fresh is None:
            raise ProblemError(401, "request signature rejected: nonce already used")
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
