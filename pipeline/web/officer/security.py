"""Officer sessions: signed cookie naming a server-side session, CSRF tokens, role checks."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from pipeline.bootstrap import Container
from pipeline.config import Settings
from pipeline.domain.roles import Permission, may
from pipeline.persistence import audit
from pipeline.persistence.tables import Officer, OfficerSession

SESSION_COOKIE = "lahir_officer"
LOGIN_COOKIE = "lahir_login"  # pre-session CSRF token of the sign-in form (double submit)
COOKIE_PATH = "/officer"


class PageError(Exception):
    """An HTML error page (403, 404, 409, 429) for the officer UI."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class LoginRequired(Exception):
    """A page asked for without a valid session: go to the sign-in form."""


@dataclass(frozen=True)
class SignedIn:
    username: str
    full_name: str
    role: str
    dinas_code: str
    session_id: str
    csrf_token: str


def container_of(request: Request) -> Container:
    return request.app.state.container  # type: ignore[no-any-return]


def _serializer(settings: Settings, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(settings.officer_session_secret.get_secret_value(), salt=salt)


def start_session(container: Container, officer: Officer, response: Response) -> None:
    s = container.settings
    with container.uow() as uow:
        now = uow.now()
        row = OfficerSession(id=secrets.token_urlsafe(32), username=officer.username,
                             csrf_token=secrets.token_urlsafe(32), created_at=now,
                             expires_at=now + timedelta(hours=s.officer_session_hours))
        uow.session.add(row)
        uow.commit()
    response.set_cookie(SESSION_COOKIE, _serializer(s, "session").dumps(row.id),
                        max_age=int(s.officer_session_hours * 3600), path=COOKIE_PATH,
                        httponly=True, samesite="strict", secure=s.officer_cookie_secure)


def end_session(container: Container, who: SignedIn, response: Response) -> None:
    with container.uow() as uow:
        row = uow.session.get(OfficerSession, who.session_id)
        if row is not None and row.ended_at is None:
            row.ended_at = uow.now()
            audit.append(uow.session, who.username, "logout", f"officer:{who.username}",
                         at=uow.now())
        uow.commit()
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict",
                           secure=container.settings.officer_cookie_secure)


def current(request: Request) -> SignedIn | None:
    container = container_of(request)
    try:
        session_id = _serializer(container.settings, "session").loads(
            request.cookies.get(SESSION_COOKIE, ""))
    except BadSignature:
        return None
    with container.uow() as uow:
        found = uow.session.execute(
            select(OfficerSession, Officer).join(Officer)
            .where(OfficerSession.id == str(session_id))).first()
        if found is None:
            return None
        row, officer = found
        if row.ended_at is not None or row.expires_at <= uow.now() or not officer.active:
            return None
        return SignedIn(officer.username, officer.full_name, officer.role, officer.dinas_code,
                        row.id, row.csrf_token)


async def signed_in(request: Request) -> SignedIn:
    who = current(request)
    if who is None:
        if request.method == "GET":
            raise LoginRequired
        raise PageError(403, "Sesi tidak berlaku / no valid session")
    if request.method == "POST":
        form = await request.form()  # cached by Starlette: the route reads the same form
        if not _same(str(form.get("csrf_token", "")), who.csrf_token):
            raise PageError(403, "Token CSRF tidak cocok / CSRF token missing or wrong")
    return who


Who = Annotated[SignedIn, Depends(signed_in)]


def allowed(who: SignedIn, permission: Permission) -> SignedIn:
    if not may(who.role, permission):
        raise PageError(403, f"Peran {who.role} tidak berwenang / role may not do this")
    return who


def login_token(request: Request) -> str:
    """The sign-in form's token: the signed cookie's value, or a fresh one to set."""
    serializer = _serializer(container_of(request).settings, "login")
    try:
        return str(serializer.loads(request.cookies.get(LOGIN_COOKIE, "")))
    except BadSignature:
        return secrets.token_urlsafe(32)


def set_login_token(request: Request, response: Response, token: str) -> None:
    s = container_of(request).settings
    response.set_cookie(LOGIN_COOKIE, _serializer(s, "login").dumps(token), max_age=3600,
                        path=COOKIE_PATH, httponly=True, samesite="strict",
                        secure=s.officer_cookie_secure)


def login_token_ok(request: Request, submitted: str) -> bool:
    try:
        expected = _serializer(container_of(request).settings, "login").loads(
            request.cookies.get(LOGIN_COOKIE, ""))
    except BadSignature:
        return False
    return _same(submitted, str(expected))


def _same(a: str, b: str) -> bool:
    return bool(a) and hmac.compare_digest(a.encode(), b.encode())
