"""ADMIN pages: the officers of the admin's Dinas (add, deactivate, reset) and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from pipeline.domain.roles import Permission, Role
from pipeline.handlers import officers as accounts
from pipeline.persistence import audit
from pipeline.persistence.tables import AuditEntry, Officer
from pipeline.web.officer.render import page
from pipeline.web.officer.security import PageError, Who, allowed, container_of

router = APIRouter()
AUDIT_PAGE = 300


@router.get("/admin/officers")
def officers_page(request: Request, who: Who, message: str = "") -> Response:
    allowed(who, Permission.MANAGE_OFFICERS)
    with container_of(request).uow() as uow:
        rows = list(uow.session.scalars(select(Officer).where(
            Officer.dinas_code == who.dinas_code).order_by(Officer.username)))
        audit.append(uow.session, who.username, "officers.viewed", f"dinas:{who.dinas_code}",
                     at=uow.now())
        uow.commit()
    return page(request, "officers.html", who, officers=rows, roles=list(Role),
                message=message)


@router.post("/admin/officers")
def officer_add(request: Request, who: Who, username: Annotated[str, Form(max_length=64)],
                full_name: Annotated[str, Form(max_length=200)],
                role: Annotated[str, Form()], password: Annotated[str, Form(max_length=200)],
                ) -> Response:
    allowed(who, Permission.MANAGE_OFFICERS)
    with container_of(request).uow() as uow:
        try:  # an admin adds officers to their own Dinas only
            accounts.add_officer(uow.session, who.username, username.strip(), full_name.strip(),
                                 role, who.dinas_code, password, uow.now())
        except accounts.OfficerError as exc:
            raise PageError(422, str(exc)) from exc
        uow.commit()
    return RedirectResponse("/officer/admin/officers?message=added", status_code=303)


@router.post("/admin/officers/{username}/{change}")
def officer_change(request: Request, who: Who, username: str, change: str,
                   password: Annotated[str, Form(max_length=200)] = "") -> Response:
    allowed(who, Permission.MANAGE_OFFICERS)
    with container_of(request).uow() as uow:
        actor = uow.session.get(Officer, who.username)
        assert actor is not None
        try:
            if change == "deactivate":
                accounts.deactivate(uow.session, actor, username, uow.now())
            elif change == "reset-password":
                accounts.reset_password(uow.session, actor, username, password, uow.now())
            else:
                raise PageError(404, "Tindakan tidak dikenal / unknown change")
        except accounts.OfficerError as exc:
            raise PageError(404 if "no officer" in str(exc) else 422, str(exc)) from exc
        uow.commit()
    return RedirectResponse(f"/officer/admin/officers?message={change}", status_code=303)


@router.get("/audit")
def audit_page(request: Request, who: Who) -> Response:
    allowed(who, Permission.READ_AUDIT)
    with container_of(request).uow() as uow:
        broken = audit.verify_chain(uow.session)
        entries = list(uow.session.scalars(
            select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_PAGE)))
        total = uow.session.query(AuditEntry).count()
        audit.append(uow.session, who.username, "audit.viewed", "audit_log", at=uow.now(),
                     chain_ok=not broken)
        uow.commit()
    return page(request, "audit.html", who, entries=entries, broken=broken, total=total)
