"""Sign-in and sign-out of officers."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from pipeline.domain.roles import Role
from pipeline.handlers.officers import Throttle, authenticate
from pipeline.web.officer.render import page
from pipeline.web.officer.security import (
    PageError,
    Who,
    container_of,
    current,
    end_session,
    login_token,
    login_token_ok,
    set_login_token,
    start_session,
)

router = APIRouter()
MESSAGES = {"invalid": "Nama pengguna atau kata sandi salah / wrong username or password",
            "locked": "Terlalu banyak percobaan; coba lagi nanti / too many attempts, "
                      "try again later"}


@router.get("/login")
def login_form(request: Request) -> Response:
    if current(request) is not None:
        return RedirectResponse("/officer/", status_code=303)
    token = login_token(request)
    response = page(request, "login.html", None, login_csrf=token)
    set_login_token(request, response, token)
    return response


@router.post("/login")
def login(request: Request, username: Annotated[str, Form(max_length=64)],
          password: Annotated[str, Form(max_length=200)],
          csrf_token: Annotated[str, Form()] = "") -> Response:
    if not login_token_ok(request, csrf_token):
        raise PageError(403, "Token CSRF tidak cocok / CSRF token missing or wrong")
    container = container_of(request)
    s = container.settings
    officer, outcome = authenticate(
        container.uow, username.strip(), password,
        Throttle(s.officer_login_max_failures, timedelta(minutes=s.officer_lockout_minutes)))
    if officer is None:
        status = 429 if outcome == "locked" else 401
        return page(request, "login.html", None, status=status, login_csrf=csrf_token,
                    error=MESSAGES[outcome], username=username)
    home = "/officer/admin/officers" if officer.role == Role.ADMIN else "/officer/"
    response = RedirectResponse(home, status_code=303)
    start_session(container, officer, response)
    return response


@router.post("/logout")
def logout(request: Request, who: Who) -> Response:
    response = RedirectResponse("/officer/login", status_code=303)
    end_session(container_of(request), who, response)
    return response
