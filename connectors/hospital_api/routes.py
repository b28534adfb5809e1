"""Hospital intake API: `POST /v1/births`, `GET /v1/births/{id}` (contract.md 2)."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from connectors.hospital_api.guards import authenticate, read_body, require_json
from connectors.hospital_api.problems import ProblemError, field_errors, sorted_problems
from pipeline.bootstrap import Container
from pipeline.domain import intake_rules
from pipeline.handlers.intake import DuplicateReport, ReportBirth, report_birth
from pipeline.handlers.status import birth_status
from schemas.birth import BirthReport
from schemas.parsing import parse_sections

router = APIRouter(prefix="/v1", tags=["births"])


def _container(request: Request) -> Container:
    return request.app.state.container  # type: ignore[no-any-return]


@router.post("/births", status_code=202, responses={
    200: {"description": "the same report again: the first answer"},
    401: {}, 409: {}, 413: {}, 415: {}, 422: {}, 429: {}, 503: {}})
async def post_birth(request: Request) -> JSONResponse:
    container = _container(request)
    body = await read_body(request, container.settings.max_body_bytes)
    facility = await asyncio.to_thread(authenticate, container, request, body)
    request.app.state.rate_limiter.check(facility)
    require_json(request)
    report = _parse(body, container.clock())
    cmd = ReportBirth(facility_code=facility, report=report,
                      body_sha256=hashlib.sha256(body).hexdigest())
    try:
        accepted = await asyncio.to_thread(
            report_birth, cmd, container.uow(),
            index_key=container.settings.nik_index_key.get_secret_value())
    except DuplicateReport as exc:
        raise ProblemError(409, exc.message, [{"field": None, "code": exc.code,
                                               "message": exc.message}]) from None
    content = {"registration_id": accepted.registration_id, "status": "RECEIVED",
               "links": {"self": f"/v1/births/{accepted.registration_id}"}}
    return JSONResponse(content, status_code=200 if accepted.replayed else 202,
                        headers={"Location": content["links"]["self"]})


@router.get("/births/{registration_id}")
async def get_birth(registration_id: str, request: Request) -> dict[str, Any]:
    container = _container(request)
    facility = await asyncio.to_thread(authenticate, container, request, b"")
    request.app.state.rate_limiter.check(facility)
    view = await asyncio.to_thread(birth_status, container.uow(), registration_id, facility)
    if view is None:
        raise ProblemError(404, "no such registration for this facility")
    return view


def _parse(body: bytes, now: datetime) -> BirthReport:
    """Every problem in one 422 (README "Input rules"): the fields' own errors, and the intake
    rules over every part that parsed; before any handler, so nothing is stored."""
    parsed = parse_sections(BirthReport, body)
    problems = field_errors(parsed.error) if parsed.error else []
    problems += [p.model_dump() for p in intake_rules.check(parsed.model, now, parsed.valid)]
    if problems:
        raise ProblemError(422, "the birth report has problems; each is listed",
                           sorted_problems(problems))
    return parsed.model
