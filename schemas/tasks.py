"""Payloads of the task events (tasks.<kind>.requested.v1); `birth.reported` is in birth.py."""

from __future__ import annotations

from typing import Literal

from schemas.base import Contract

TaskKind = Literal["nik", "kk", "akta", "kia", "bpjs"]


class TaskRequested(Contract):
    """Payload of `task.requested` on tasks.<kind>.requested.v1: run this task of this birth."""

    registration_id: str
    task: TaskKind
