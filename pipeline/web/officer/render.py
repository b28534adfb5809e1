"""Server-rendered pages of the officer UI (Jinja2, autoescaped) and the view audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from pipeline.domain.roles import Permission, may
from pipeline.web.officer.security import SignedIn

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
KIND_LABELS = {"KK": "Kartu Keluarga", "AKTA_KELAHIRAN": "Akta Kelahiran",
               "KIA": "Kartu Identitas Anak", "SK_LAHIR_MATI": "Surat Keterangan Lahir Mati"}
STATE_LABELS = {"AWAITING_APPROVAL": "Menunggu persetujuan", "ISSUED": "Diterbitkan",
                "REJECTED": "Ditolak", "REVOKED": "Dicabut"}


def page(request: Request, name: str, who: SignedIn | None, status: int = 200,
         **context: Any) -> HTMLResponse:
    base = {"who": who, "csrf": who.csrf_token if who else "", "kinds": KIND_LABELS,
            "states": STATE_LABELS,
            "can": (lambda p: who is not None and may(who.role, Permission(p)))}
    return TEMPLATES.TemplateResponse(request, name, {**base, **context}, status_code=status)
