"""The registration's overall status, derived from its tasks (contract.md 2.3)."""

from __future__ import annotations

from enum import StrEnum

from pipeline.domain.tasks import SETTLED, TaskState


class Status(StrEnum):
    RECEIVED = "RECEIVED"
    IN_PROGRESS = "IN_PROGRESS"
    AWAITING_APPROVAL = "AWAITING_APPROVAL"
    COMPLETED = "COMPLETED"
    NEEDS_CORRECTION = "NEEDS_CORRECTION"
    REJECTED = "REJECTED"


DONE_FOR_GOOD = frozenset({TaskState.ISSUED, TaskState.ENROLLED, TaskState.AWAITING_PAYMENT,
                           TaskState.NOT_APPLICABLE, TaskState.DONE})


def derive_status(states: dict[str, TaskState], *, needs_correction: bool,
                  documents_pending: bool, documents_rejected: bool = False) -> Status:
    """`documents_rejected`: a document without a task (lahir mati) was rejected."""
    if needs_correction:
        return Status.NEEDS_CORRECTION
    if documents_rejected or any(s == TaskState.REJECTED for s in states.values()):
        return Status.REJECTED
    if all(s in DONE_FOR_GOOD for s in states.values()) and not documents_pending:
        return Status.COMPLETED
    if all(s in SETTLED for s in states.values()):
        return Status.AWAITING_APPROVAL
    return Status.IN_PROGRESS
