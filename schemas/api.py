"""Response bodies of the public API: RFC 9457 problems, acceptance and status (contract.md 2)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class FieldProblem(BaseModel):
    field: str | None = None
    code: str
    message: str


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldProblem] = Field(default_factory=list)


class Accepted(BaseModel):
    registration_id: str
    status: str
    links: dict[str, str]


class TaskView(BaseModel):
    model_config = {"extra": "allow"}
    state: str
    at: str | None = None


class StatusProblem(BaseModel):
    code: str
    message_id: str
    message_en: str
    task: str | None = None


class BirthStatus(BaseModel):
    registration_id: str
    notification_id: str
    status: str
    received_at: str
    child_nik: str | None = None
    tasks: dict[str, dict[str, Any]]
    problems: list[StatusProblem]
    timeline: list[dict[str, Any]]
