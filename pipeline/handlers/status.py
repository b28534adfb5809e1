"""The status view of one registration, as the hospital sees it (contract.md 2.3)."""

from __future__ import annotations

from typing import Any

from pipeline.persistence.tables import Document
from pipeline.persistence.unit_of_work import UnitOfWork


def birth_status(uow: UnitOfWork, registration_id: str,
                 facility_code: str) -> dict[str, Any] | None:
    with uow:
        registration = uow.registration(registration_id)
        if registration is None or registration.facility_code != facility_code:
            return None  # another facility's registration is not found, not forbidden
        documents = {d.kind: d for d in uow.documents(registration.id)}
        tasks = {kind: _task_view(task.state, task.updated_at.isoformat(), task.detail,
                                  documents, kind)
                 for kind, task in sorted(uow.tasks(registration.id).items(), key=_order)}
        return {
            "registration_id": registration.id,
            "notification_id": registration.notification_id,
            "status": registration.status,
            "received_at": registration.received_at.isoformat(),
            "child_nik": registration.child_nik,
            "tasks": tasks,
            "documents": [_document_view(d) for d in documents.values()],
            "problems": [_problem_view(p) for p in registration.problems or []],
            "timeline": [{"at": e.at.isoformat(), "event": e.event, **_safe(e.detail)}
                         for e in uow.timeline(registration.id)],
        }


ORDER = ("nik", "kk", "akta", "kia", "bpjs")
DOCUMENT_OF = {"kk": "KK", "akta": "AKTA_KELAHIRAN", "kia": "KIA"}


def _order(item: tuple[str, Any]) -> int:
    return ORDER.index(item[0]) if item[0] in ORDER else len(ORDER)


def _task_view(state: str, at: str, detail: dict[str, Any], documents: dict[str, Document],
               kind: str) -> dict[str, Any]:
    view: dict[str, Any] = {"state": state, "at": at}
    document = documents.get(DOCUMENT_OF.get(kind, ""))
    if document is not None:
        view["document_id"] = document.id
    if kind == "nik" and isinstance(detail.get("citizenship"), dict):
        found = detail["citizenship"]  # no passport numbers: only what the hospital may see
        view["citizenship"] = {k: found.get(k) for k in ("kewarganegaraan", "ganda_terbatas")}
    if kind == "akta" and "number" in detail:
        view["number"] = detail["number"]
    if kind == "bpjs":
        view.update({k: detail[k] for k in ("card_number", "segment", "amount_due", "deadline")
                     if detail.get(k) is not None})
    if "last_error" in detail:
        view["last_error"] = detail["last_error"]
    return view


def _document_view(document: Document) -> dict[str, Any]:
    return {"document_id": document.id, "kind": document.kind, "state": document.state,
            "number": document.number if document.kind == "AKTA_KELAHIRAN" else None}


def _problem_view(problem: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in problem.items() if k != "needs_correction"}


def _safe(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in (detail or {}).items() if k in TIMELINE_KEYS}


TIMELINE_KEYS = ("task", "facility", "kind", "attempt", "previous_problems", "revision")
