"""Decisions: verify (OPERATOR), approve and sign (OFFICIAL), reject; singly or in bulk."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from pipeline.domain.roles import Permission
from pipeline.handlers.review import NotVerifiable, mark_verified
from pipeline.persistence import audit
from pipeline.web.officer import issuing, queries
from pipeline.web.officer.pages import queue_filter
from pipeline.web.officer.render import page
from pipeline.web.officer.security import PageError, SignedIn, Who, allowed, container_of

router = APIRouter()
ACTIONS = {"verify": Permission.VERIFY, "approve": Permission.APPROVE,
           "reject": Permission.REJECT, "revoke": Permission.REVOKE}
Reason = Annotated[str, Form(max_length=500)]


@router.post("/documents/{document_id}/{action}")
def decide_one(request: Request, who: Who, document_id: str, action: str,
               reason: Reason = "") -> Response:
    _decide(request, who, action, [document_id], reason)
    return RedirectResponse(f"/officer/documents/{document_id}", status_code=303)


@router.get("/bulk")
def bulk_confirm(request: Request, who: Who, action: str, kind: str = "",
                 older_than_hours: str = "",
                 facility: str = "", waiting_for_name: bool = False,
                 reason: str = "") -> Response:
    """Step one of a bulk decision: show exactly what would be decided; nothing changes yet."""
    allowed(who, _permission(action))
    f = queue_filter(kind, "AWAITING_APPROVAL", older_than_hours, facility, waiting_for_name)
    with container_of(request).uow() as uow:
        rows = queries.queue(uow.session, who, f, uow.now())
        audit.append(uow.session, who.username, "bulk.previewed", f"dinas:{who.dinas_code}",
                     at=uow.now(), decision=action, filter=f.query_string(), count=len(rows))
        uow.commit()
    return page(request, "bulk.html", who, action=action, rows=rows, f=f, reason=reason)


@router.post("/bulk")
def bulk_execute(request: Request, who: Who, action: Annotated[str, Form()],
                 document_id: Annotated[list[str], Form()], reason: Reason = "") -> Response:
    """Step two: the confirmed ids, each checked again for jurisdiction and state."""
    done = _decide(request, who, action, document_id, reason)
    return page(request, "bulk_done.html", who, action=action, count=len(done))


def _decide(request: Request, who: SignedIn, action: str, ids: list[str],
            reason: str) -> list[str]:
    allowed(who, _permission(action))
    container = container_of(request)
    with container.uow() as uow:
        queries.several(uow.session, who, ids)  # 404 when any is outside the jurisdiction
        audit.append(uow.session, who.username, f"decision.{action}_requested",
                     ids[0] if len(ids) == 1 else f"bulk:{len(ids)}", at=uow.now(),
                     documents=ids[:200], reason=reason.strip()[:200] or None)
        uow.commit()
    if action == "approve":
        return issuing.approve(container, who, ids)
    if action in ("reject", "revoke"):
        if len(reason.strip()) < 5:
            raise PageError(422, "Alasan wajib diisi / a reason is required")
        if action == "revoke":
            for document_id in ids:
                issuing.revoke(container, who, document_id, reason.strip())
        else:
            issuing.reject(container, who, ids, reason.strip())
        return ids
    try:
        return mark_verified(container.uow, who.username, who.dinas_code, ids)
    except NotVerifiable as exc:
        raise PageError(409, f"Tidak dapat diverifikasi / cannot verify: {exc}") from exc


def _permission(action: str) -> Permission:
    if action not in ACTIONS:
        raise PageError(404, "Tindakan tidak dikenal / unknown action")
    return ACTIONS[action]
