"""Response bodies of the public API: RFC 9457 problems, acceptance and status (contract.md 2)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Response(BaseModel):
    # every field is always sent, defaults included: the JSON Schema says so (schemas/json)
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class FieldProblem(Response):
    """One problem: the field at fault (dotted path, `witnesses.1.nik`; null for the whole
    request), a stable machine-readable code and a human message."""

    field: str | None = None
    code: str
    message: str


class Problem(Response):
    """RFC 9457 problem details (`application/problem+json`) with every problem listed."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldProblem] = Field(default_factory=list)


class Accepted(Response):
    """202 (or 200 for the same report again) of `POST /v1/births`."""

    registration_id: str
    status: Literal["RECEIVED"]
    links: dict[str, str]


TaskState = Literal["PENDING", "IN_PROGRESS", "WAITING_FOR_NAME", "AWAITING_APPROVAL", "ISSUED",
                    "ENROLLED", "AWAITING_PAYMENT", "RETRYING", "FAILED", "REJECTED",
                    "NOT_APPLICABLE", "DONE"]


class TaskView(Response):
    """One task's state; more fields by kind (`document_id`, akta `number`, BPJS `card_number`,
    `deadline`, ...)."""

    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=True)
    state: TaskState
    at: str | None = None


class DocumentView(Response):
    document_id: str
    kind: str
    state: str
    number: str | None = None


class StatusProblem(Response):
    """A problem the hospital can act on, in Indonesian and English (contract.md 2.3)."""

    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=True)
    code: str
    message_id: str
    message_en: str
    task: str | None = None


class TimelineEntry(Response):
    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=True)
    at: str
    event: str


class BirthStatus(Response):
    """`GET /v1/births/{registration_id}`: where this birth is now (contract.md 2.3)."""

    registration_id: str
    notification_id: str
    status: Literal["RECEIVED", "IN_PROGRESS", "AWAITING_APPROVAL", "COMPLETED",
                    "NEEDS_CORRECTION", "REJECTED"]
    received_at: str
    child_nik: str | None = None
    tasks: dict[str, TaskView]
    documents: list[DocumentView] = Field(default_factory=list)
    problems: list[StatusProblem]
    timeline: list[TimelineEntry]
