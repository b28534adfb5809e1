"""`PATCH /v1/births/{id}/child`: the name the parents chose after the report (contract.md 2.2)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, ValidationError

from connectors.hospital_api.guards import authenticate, read_body, require_json
from connectors.hospital_api.problems import ProblemError, field_errors
from pipeline.handlers.intake import DuplicateReport
from pipeline.handlers.naming import NotFound, name_child
from schemas.birth import Name

router = APIRouter(prefix="/v1", tags=["births"])


class ChildName(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: Name  # the same rules as the report's names (NAME_INVALID)


@router.patch("/births/{registration_id}/child",
              responses={401: {}, 404: {}, 409: {}, 415: {}, 422: {}})
async def patch_child(registration_id: str, request: Request) -> dict[str, str]:
    container = request.app.state.container
    body = await read_body(request, container.settings.max_body_bytes)
    facility = await asyncio.to_thread(authenticate, container, request, body)
    request.app.state.rate_limiter.check(facility)
    require_json(request)
    try:
        name = ChildName.model_validate_json(body).name
    except ValidationError as exc:
        raise ProblemError(422, "the name has problems; each is listed",
                           field_errors(exc)) from None
    try:
        status = await asyncio.to_thread(name_child, container.uow(), registration_id, facility,
                                         name)
    except NotFound:
        raise ProblemError(404, "no such registration for this facility") from None
    except DuplicateReport as exc:
        raise ProblemError(409, exc.message, [{"field": "name", "code": exc.code,
                                               "message": exc.message}]) from None
    return {"registration_id": registration_id, "status": status}
