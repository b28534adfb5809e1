"""Which tasks a birth needs and in what order (domain.md 11): NIK first, KIA after the akta."""

from __future__ import annotations

from enum import StrEnum


class TaskState(StrEnum):
    PENDING = "PENDING"
    IN_PROGRESS = "IN_PROGRESS"
    WAITING_FOR_NAME = "WAITING_FOR_NAME"
    AWAITING_APPROVAL = "AWAITING_APPROVAL"
    ISSUED = "ISSUED"
    ENROLLED = "ENROLLED"
    AWAITING_PAYMENT = "AWAITING_PAYMENT"
    RETRYING = "RETRYING"
    FAILED = "FAILED"
    REJECTED = "REJECTED"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    DONE = "DONE"


LIVE_BIRTH_TASKS = ("nik", "kk", "akta", "kia", "bpjs")

# a task starts once every task it depends on has succeeded
DEPENDS_ON: dict[str, tuple[str, ...]] = {
    "nik": (),
    "kk": ("nik",),
    "akta": ("nik",),
    # the KIA shows the nomor KK and the akta number (Permendagri 2/2016, domain.md 4.1, 11)
    "kia": ("kk", "akta"),
    "bpjs": ("nik",),
}

SUCCEEDED = frozenset({TaskState.DONE, TaskState.AWAITING_APPROVAL, TaskState.ISSUED,
                       TaskState.ENROLLED, TaskState.AWAITING_PAYMENT})
SETTLED = SUCCEEDED | {TaskState.NOT_APPLICABLE, TaskState.WAITING_FOR_NAME}
FINAL = frozenset({TaskState.DONE, TaskState.ISSUED, TaskState.ENROLLED,
                   TaskState.AWAITING_APPROVAL, TaskState.AWAITING_PAYMENT,
                   TaskState.NOT_APPLICABLE, TaskState.FAILED, TaskState.REJECTED})


def initial_states(live_birth: bool) -> dict[str, TaskState]:
    """A stillbirth gets only a surat keterangan lahir mati: no NIK, KK, akta, KIA or BPJS."""
    state = TaskState.PENDING if live_birth else TaskState.NOT_APPLICABLE
    return dict.fromkeys(LIVE_BIRTH_TASKS, state)


def ready_to_start(states: dict[str, TaskState]) -> list[str]:
    """Pending tasks whose dependencies have all succeeded."""
    return [
        kind for kind, state in states.items()
        if state == TaskState.PENDING
        and all(states.get(dep) in SUCCEEDED for dep in DEPENDS_ON[kind])
    ]


def blocked_by_name(kind: str) -> bool:
    """The akta and the KIA need the child's final name (domain.md 4.2 pitfall)."""
    return kind in ("akta", "kia")
