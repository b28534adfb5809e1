"""Payload of `birth.completed` (births.completed.v1): every document issued, BPJS settled."""

from __future__ import annotations

from pydantic import AwareDatetime

from schemas.base import Contract


class BirthCompleted(Contract):
    """No personal data: consumers read what they need from the registration."""

    registration_id: str
    completed_at: AwareDatetime
    document_ids: list[str]
