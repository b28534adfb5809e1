"""Payloads of the pipeline's internal events (tasks.<kind>.requested.v1)."""

from __future__ import annotations

from typing import Literal

from schemas.base import Contract

TaskKind = Literal["nik", "kk", "akta", "kia", "bpjs"]


class TaskRequested(Contract):
    registration_id: str
    task: TaskKind
