"""What an officer may do to a document in each state; a conflict names what is allowed."""

from __future__ import annotations

from enum import StrEnum


class DocumentState(StrEnum):
    AWAITING_APPROVAL = "AWAITING_APPROVAL"
    ISSUED = "ISSUED"
    REJECTED = "REJECTED"
    REVOKED = "REVOKED"


class Action(StrEnum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    REVOKE = "REVOKE"


# a document is decided once; an issued one can only be revoked (contract.md 3, 4)
ALLOWED: dict[DocumentState, frozenset[Action]] = {
    DocumentState.AWAITING_APPROVAL: frozenset({Action.APPROVE, Action.REJECT}),
    DocumentState.ISSUED: frozenset({Action.REVOKE}),
    DocumentState.REJECTED: frozenset(),
    DocumentState.REVOKED: frozenset(),
}
# the task each document settles; a surat keterangan lahir mati has none
TASK_OF = {"KK": "kk", "AKTA_KELAHIRAN": "akta", "KIA": "kia"}


class DecisionConflict(Exception):
    """HTTP 409: the document is not in a state that allows the action; `allowed` says what is."""

    def __init__(self, code: str, allowed: list[str], document_id: str | None = None) -> None:
        super().__init__(f"{code}; allowed: {', '.join(allowed) or 'nothing'}")
        self.code, self.allowed, self.document_id = code, allowed, document_id


class DocumentNotFound(DecisionConflict):
    def __init__(self, document_id: str) -> None:
        super().__init__("DOCUMENT_NOT_FOUND", [], document_id)


def allowed(state: str) -> list[str]:
    try:
        return sorted(ALLOWED[DocumentState(state)])
    except ValueError:
        return []


def require(state: str, action: Action, document_id: str) -> None:
    if action.value not in allowed(state):
        raise DecisionConflict(f"DOCUMENT_{state}", allowed(state), document_id)
